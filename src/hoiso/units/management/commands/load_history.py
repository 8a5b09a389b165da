import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoiso.units.reform import HISTORY_FROM, load_history


class Command(BaseCommand):
    help = (
        "Load a province's units before the 1 July 2025 reform (province, districts, communes) "
        "as history, linked to today's communes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True, help="name (Đắk Lắk) or code (66)")
        parser.add_argument(
            "--since",
            default=HISTORY_FROM.isoformat(),
            help="first day of the history (YYYY-MM-DD)",
        )

    def handle(self, *args: Any, province: str, since: str, **options: Any) -> None:
        try:
            start = dt.date.fromisoformat(since)
        except ValueError:
            raise CommandError(f"Ngày “{since}” không đúng dạng NĂM-THÁNG-NGÀY.") from None
        try:
            result = load_history(province, since=start)
        except LookupError:
            raise CommandError(
                f"Không tìm thấy tỉnh/thành phố “{province}”. "
                "Vui lòng nhập tên (ví dụ: Đắk Lắk) hoặc mã (ví dụ: 66)."
            ) from None
        self.stdout.write(
            f"{result.province.name}: {result.created} đơn vị trước 01/07/2025 mới, "
            f"{result.linked} xã cũ đã nối với xã hiện nay, "
            f"{result.branches} chi hội đã đặt vào xã cũ."
        )
        for old, candidates in sorted(result.split.items()):
            self.stdout.write(
                f"  {old} bị chia tách, cần chọn xã tiếp nhận: {', '.join(candidates)}"
            )
