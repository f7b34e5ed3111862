"""DESIGN §3: the seed article's worked example, as data both the API and the CLI tests build."""

from __future__ import annotations

SOURCES = [
    # id, name, kind, party
    ("ru-mod", "Ministry of Defence of Russia", "defence_ministry", "RU"),
    ("ru-officials", "Russian officials", "government", "RU"),
    ("kharkiv-rma", "Kharkiv Regional Military Administration", "regional_administration", "UA"),
    ("press", "The article's outlet", "press", None),
]

CLAIMS = [
    # source, text, figures
    ("ru-mod", "Strikes hit only decision-making centres and military installations", []),
    ("ru-mod", "The former Kharkiv Palace hotel was hit", []),
    ("ru-mod", "The hotel housed military commanders and foreign mercenaries", []),
    ("ru-mod", "Two HIMARS launchers were destroyed", ["himars_destroyed=2"]),
    (
        "ru-officials",
        "The Ukrainian strike on Belgorod killed 24, incl. 3 children, and wounded 108",
        ["killed=24", "children_killed=3", "injured=108"],
    ),
    ("kharkiv-rma", "Bodies of two men and a woman were recovered in Borova", ["killed=3"]),
    ("press", "Strikes on Kharkiv killed three and injured 28", ["killed=3", "injured=28"]),
    ("press", "Residential buildings, hotels and medical facilities were damaged", []),
]

PARTIES = ["RU", "UA"]

LINKS = [(7, "repeats", 6), (8, "contradicts", 1), (8, "corroborates", 2)]

# id: (status, credibility, words the reason must contain)
EXPECTED = {
    1: ("disputed", 5, ["contradicted by #8 (press, unaligned)", "independently confirmed"]),
    2: ("confirmed", 1, ["confirmed by #8 (press, unaligned)"]),
    3: ("unconfirmed", 3, ["single source: ru-mod"]),
    4: ("unconfirmed", 3, ["single source: ru-mod"]),
    5: ("unconfirmed", 3, ["single source: ru-officials"]),
    6: ("unconfirmed", 3, ["single source: kharkiv-rma", "only relayed, by #7 (press, unaligned)"]),
    7: ("unconfirmed", 3, ["same story as #6"]),
    8: ("disputed", 2, ["contradicted by #1 (ru-mod, RU)", "yet independently confirmed by #2 (ru-mod, RU)"]),
}
