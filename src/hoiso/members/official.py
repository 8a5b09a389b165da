"""Official names of today, and the other ways lists write them.

A spreadsheet's "Dân tộc" cell says "Ê-đê", "Êđê", "EDE", "Jrai", "H'Mông", "Kinh (Việt)"; its
"Tôn giáo" cell "Thiên Chúa giáo", "PG Hòa Hảo", "đạo Phật". Each is read to the one group or
religion it names, whatever its case, marks, hyphens, apostrophes and spaces. Only spellings and
old names that officially name that one group are mapped (the other names in the General
Statistics Office's list); a name several groups have borne ("Xá", "Mán") is never guessed: the
import shows it to the cadre with the groups it may mean, and a misspelling with the official
name it is nearest, to correct in the file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from hoiso.core.text import fold
from hoiso.members.choices import ETHNIC_GROUPS, FOREIGN, Religion


def compact(text: str, leading: re.Pattern[str] | None = None) -> str:
    """ "Ê-đê", "Ê Đê", "ÊĐÊ", "Ê'đê" → "ede": folded, letters and digits only, without the
    words a cell may put before the name (`leading`)."""
    folded = fold(text)
    if leading is not None:
        folded = leading.sub("", folded)
    return re.sub(r"[^0-9a-z]", "", folded)


@dataclass(frozen=True)
class Found:
    """What a written name resolves to: one `value`, or else the values it may mean
    (`candidates`, for a name several bear) or the one it is spelled nearest (`near`)."""

    value: int | None = None
    candidates: tuple[int, ...] = ()
    near: int | None = None


class Names:
    """Official names by their compact key, with the unambiguous variants and the ambiguous ones."""

    def __init__(
        self,
        official: dict[int, str],
        variants: dict[str, int],
        ambiguous: dict[str, tuple[int, ...]],
        leading: str = "",
    ) -> None:
        self.leading = re.compile(rf"^(?:{leading})\s+") if leading else None
        self.by_key: dict[str, int] = {}
        for value, name in official.items():
            key = self.key(name)
            if self.by_key.get(key, value) != value:
                raise ValueError(f"two official names read alike: {name}")
            self.by_key[key] = value
        for variant, value in variants.items():
            # An official name always wins: "Thổ" is the Thổ group, though the Tày were once
            # called so too.
            self.by_key.setdefault(self.key(variant), value)
        self.ambiguous = {self.key(k): v for k, v in ambiguous.items()}
        if clash := set(self.ambiguous) & set(self.by_key):
            raise ValueError(f"ambiguous and not: {sorted(clash)}")
        self._keys = sorted(self.by_key)

    def key(self, text: str) -> str:
        return compact(text, self.leading)

    def find(self, text: str) -> Found:
        key = self.key(text)
        if not key:
            return Found()
        if key in self.by_key:
            return Found(value=self.by_key[key])
        if key in self.ambiguous:
            return Found(candidates=self.ambiguous[key])
        near = difflib.get_close_matches(key, self._keys, n=2, cutoff=0.8)
        values = {self.by_key[k] for k in near}
        return Found(near=values.pop()) if len(values) == 1 else Found()


# Other spellings and old names of each group, from the other names the statistics office lists
# for it (Decision 121-TCTK/PPCĐ of 1979, Decision 1019/QĐ-TCTK of 2008) and the usual Latin
# spellings of the highlands' languages; only those that name one group alone.
ETHNIC_VARIANTS: dict[str, int] = {
    "Việt": 1, "Kinh (Việt)": 1, "Hán": 4, "Hoa (Hán)": 4,
    "Khơ-me": 5, "Khơ me": 5, "Khmer Krôm": 5, "Khơ me Krôm": 5, "Khơ-me Crôm": 5,
    "H'Mông": 8, "Hmông": 8, "HMông (Mèo)": 8, "H'mông (Mèo)": 8, "Hmong": 8, "Mèo": 8, "Mẹo": 8,
    "Mèo Hoa": 8, "Mèo Xanh": 8, "Mèo Đỏ": 8, "Mèo Đen": 8, "Ná Mẻo": 8, "Mán Trắng": 8,
    "Gia-rai": 10, "Jrai": 10, "J'rai": 10, "Giơ-rai": 10, "Gia Lai": 10,
    "Ê-đê": 12, "Rhađê": 12, "Ra-đê": 12, "Rađê": 12, "Rhade": 12,
    "Ba-na": 13, "Bana": 13, "Bahnar": 13,
    "Xơ-đăng": 14, "Sê-đăng": 14, "Sedang": 14, "Xơ Teng": 14,
    "Cao Lan": 15, "Sán Chỉ": 15, "Cao Lan-Sán Chỉ": 15, "Sán Chay (Cao Lan-Sán Chỉ)": 15,
    "Cơ-ho": 16, "K'ho": 16, "Koho": 16, "Chăm Pa": 17, "Champa": 17, "Chăm Hroi": 17,
    "Sán Déo": 18, "Trại Đất": 18, "H'rê": 19, "M'nông": 20,
    "Ra-glai": 21, "Raglai": 21, "Ra Glay": 21,
    "Stiêng": 22, "X'tiêng": 22, "S'tiêng": 22, "Xa Điêng": 22,
    "Bru-Vân Kiều": 23, "Vân Kiều": 23, "Bru": 23, "Măng Coong": 23,
    "Pa Dí": 2, "Thù Lao": 2, "Ngạn": 2, "Phén": 2,
    "Tày Khao": 3, "Tày Đăm": 3, "Thái Trắng": 3, "Thái Đen": 3, "Tày Mười": 3,
    "Tày Thanh": 3, "Hàng Tổng": 3, "Tày Mường": 3, "Pu Thay": 3, "Thổ Đà Bắc": 3,
    "Mol": 6, "Mual": 6, "Nùng An": 7, "Nùng Cháo": 7, "Nùng Lòi": 7, "Nùng Phàn Slinh": 7,
    "Nùng Xuồng": 7, "Nùng Giang": 7, "Khèn Lài": 7,
    "Dao Đỏ": 9, "Dao Tiền": 9, "Dao Quần Chẹt": 9, "Dao Quần Trắng": 9, "Dao Thanh Y": 9,
    "Dao Lô Gang": 9, "Dao Lan Tẻn": 9,
    "Cơ-tu": 26, "Ca Tu": 26, "Katu": 26, "Nhắng": 25, "Pầu Thìn Nu": 25,
    "Giẻ-Triêng": 27, "Gié Triêng": 27, "Gié-Triêng": 27, "Giẻ": 27, "Triêng": 27,
    "Khơ-mú": 29, "Kmụ": 29, "Khmu": 29, "Xá Cẩu": 29,
    "Tà-ôi": 31, "Pa Cô": 31, "Pa-kô": 31, "Pacoh": 31,
    "Chơ-ro": 32, "Châu Ro": 32, "Đơ-ro": 32, "Xinh-mun": 34, "Puộc": 34,
    "Hà-nhì": 35, "U Ni": 35, "Xá U Ni": 35, "Chu-ru": 36, "Churu": 36,
    "Cơ Lao": 47, "Cờ-lao": 47, "Lô-lô": 43, "Mun Di": 43, "Phù-lá": 40, "La-hủ": 41,
    "Pà-thẻn": 46, "Pà Hưng": 46, "Bố-y": 49, "Chủng Chá": 49, "Trọng Gia": 49,
    "Pu-péo": 51, "Ka Pèo": 51, "Rơ-măm": 54, "Ơ-đu": 53, "Tày Hạt": 53, "Brao": 52,
    "Nước ngoài": FOREIGN, "Người nước ngoài": FOREIGN, "Ngoại quốc": FOREIGN,
}  # fmt: skip

# Names once given to several groups: the cadre says which one the member belongs to.
ETHNIC_AMBIGUOUS: dict[str, tuple[int, ...]] = {
    "Xá": (29, 33, 34, 39, 45),  # Khơ mú, Kháng, Xinh Mun, La Ha, Mảng
    "Mán": (9, 15, 18),  # Dao, Sán Chay, Sán Dìu
    "Thượng": (10, 12, 13, 14, 20),  # "the highlanders"
    "Kha": (29, 33, 34),
    "Trại": (9, 18),  # Dao, Sán Dìu
}  # fmt: skip

ETHNIC_NAMES = Names(
    {i: name for i, name in enumerate(ETHNIC_GROUPS, start=1)},
    ETHNIC_VARIANTS,
    ETHNIC_AMBIGUOUS,
    leading="dan toc|nguoi|dt",
)

# Religions: each under the name the Government Committee for Religious Affairs recognises it by
# (the `Religion` labels), with the ways lists write them.
RELIGION_VARIANTS: dict[str, int] = {
    "Không": Religion.NONE, "Không tôn giáo": Religion.NONE, "Không theo tôn giáo": Religion.NONE,
    "Không theo tôn giáo nào": Religion.NONE, "KTG": Religion.NONE, "Không có": Religion.NONE,
    "Phật giáo": Religion.BUDDHISM, "Phật": Religion.BUDDHISM, "Đạo Phật": Religion.BUDDHISM,
    "PG": Religion.BUDDHISM,
    "Công giáo": Religion.CATHOLICISM, "Thiên Chúa": Religion.CATHOLICISM,
    "Thiên Chúa giáo": Religion.CATHOLICISM, "Đạo Thiên Chúa": Religion.CATHOLICISM,
    "Công giáo La Mã": Religion.CATHOLICISM, "Đạo Công giáo": Religion.CATHOLICISM,
    "Tin Lành": Religion.PROTESTANTISM, "Đạo Tin Lành": Religion.PROTESTANTISM,
    "Cao Đài": Religion.CAO_DAI, "Đạo Cao Đài": Religion.CAO_DAI,
    "Phật giáo Hòa Hảo": Religion.HOA_HAO, "Hòa Hảo": Religion.HOA_HAO,
    "PG Hòa Hảo": Religion.HOA_HAO, "PGHH": Religion.HOA_HAO, "Đạo Hòa Hảo": Religion.HOA_HAO,
    "Hồi giáo": Religion.ISLAM, "Islam": Religion.ISLAM, "Đạo Hồi": Religion.ISLAM,
    "Hồi giáo Bani": Religion.ISLAM, "Chăm Bani": Religion.ISLAM, "Bani": Religion.ISLAM,
    "Bà-la-môn": Religion.BRAHMANISM, "Bà-la-môn giáo": Religion.BRAHMANISM,
    "Bà La Môn": Religion.BRAHMANISM, "Chăm Bà-la-môn": Religion.BRAHMANISM,
    "Baha'i": Religion.BAHAI, "Bahá'í": Religion.BAHAI, "Tôn giáo Baha'i": Religion.BAHAI,
    "Tịnh độ Cư sĩ Phật hội Việt Nam": Religion.PURE_LAND_LAY,
    "Tịnh độ Cư sĩ Phật hội": Religion.PURE_LAND_LAY, "Tịnh độ Cư sĩ": Religion.PURE_LAND_LAY,
    "Cơ đốc Phục lâm": Religion.ADVENTIST, "Cơ đốc Phục lâm Việt Nam": Religion.ADVENTIST,
    "Phục lâm": Religion.ADVENTIST, "Cơ Đốc Phục Lâm An Thất Nhật": Religion.ADVENTIST,
    "Phật giáo Tứ Ân Hiếu Nghĩa": Religion.TU_AN_HIEU_NGHIA,
    "Tứ Ân Hiếu Nghĩa": Religion.TU_AN_HIEU_NGHIA,
    "Minh Sư đạo": Religion.MINH_SU, "Minh Lý đạo": Religion.MINH_LY,
    "Minh Lý đạo - Tam Tông Miếu": Religion.MINH_LY, "Tam Tông Miếu": Religion.MINH_LY,
    "Mặc môn": Religion.LATTER_DAY_SAINTS, "Mormon": Religion.LATTER_DAY_SAINTS,
    "Các Thánh hữu Ngày sau": Religion.LATTER_DAY_SAINTS,
    "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ky-tô": Religion.LATTER_DAY_SAINTS,
    "Phật giáo Hiếu Nghĩa Tà Lơn": Religion.HIEU_NGHIA_TA_LON,
    "Hiếu Nghĩa Tà Lơn": Religion.HIEU_NGHIA_TA_LON,
    "Bửu Sơn Kỳ Hương": Religion.BUU_SON_KY_HUONG,
    "Khác": Religion.OTHER, "Tôn giáo khác": Religion.OTHER,
}  # fmt: skip

RELIGION_AMBIGUOUS: dict[str, tuple[int, ...]] = {
    # Christianity: Catholic or Protestant, which lists keep apart.
    "Cơ Đốc": (Religion.CATHOLICISM, Religion.PROTESTANTISM),
    "Cơ Đốc giáo": (Religion.CATHOLICISM, Religion.PROTESTANTISM),
    "Kitô giáo": (Religion.CATHOLICISM, Religion.PROTESTANTISM),
    "Thiên Chúa và Tin Lành": (Religion.CATHOLICISM, Religion.PROTESTANTISM),
}

RELIGION_NAMES = Names({}, RELIGION_VARIANTS, RELIGION_AMBIGUOUS, leading="ton giao|theo")
