from typing import Any

from django.core.management.base import BaseCommand

from hoiso.demo.services import ACCOUNTS, DEMO_PASSWORD, MEMBER_LOGIN, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo province (Đắk Lắk) once, and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded():
            self.stdout.write("Dữ liệu mẫu đã có sẵn (demo already loaded).")
        else:
            province = demo_load()
            self.stdout.write(f"Đã tạo dữ liệu mẫu: {province.name}.")
        self.stdout.write(login_help())


def login_help() -> str:
    lines = ["", "Đăng nhập thử (demo logins) — mật khẩu / password: " + DEMO_PASSWORD]
    labels = {
        "lan.tinh": "cán bộ tỉnh / province cadre",
        "hoa.xa": "cán bộ xã Ea Kar / commune cadre",
        "mai.chihoi": "chi hội trưởng / branch head",
        "thu.xa": "cán bộ xã Krông Pắc / another commune's cadre",
    }
    for acc in ACCOUNTS:
        lines.append(f"  {acc.username:<12} hoặc/or {acc.phone}   {labels[acc.username]}")
    lines.append(
        f"  {'':<12} {MEMBER_LOGIN.phone:>18}   hội viên (đăng nhập bằng số điện thoại) / a member"
    )
    return "\n".join(lines)
