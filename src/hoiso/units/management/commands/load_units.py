from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoiso.units.services import find_province, load_province


class Command(BaseCommand):
    help = "Create (or refresh) a province union and its commune unions from official data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True, help="name (Đắk Lắk) or code (66)")

    def handle(self, *args: Any, province: str, **options: Any) -> None:
        try:
            found = find_province(province)
        except LookupError:
            raise CommandError(
                f"Không tìm thấy tỉnh/thành phố “{province}”. "
                "Vui lòng nhập tên (ví dụ: Đắk Lắk) hoặc mã (ví dụ: 66)."
            ) from None
        result = load_province(province=found)
        self.stdout.write(
            f"{result.province.name} (mã {result.province.code}): "
            f"{len(result.created)} đơn vị mới, {len(result.renamed)} đổi tên, "
            f"{result.unchanged} không đổi."
        )
