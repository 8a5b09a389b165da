"""Hội Số: the digital platform of a Women's Union province."""
