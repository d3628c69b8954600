"""What stands beside a company's name: its uploaded logo, or a square of its initials in a colour
of its own (the same company always gets the same colour, on every page)."""

import re
import zlib
from dataclasses import dataclass

# Classes of site.css, each a background on which white initials read at 4.5:1 or better.
MARK_COLOURS = 8
WORD = re.compile(r"[^\W_]+")
CAPITAL = re.compile(r"[A-Z]")


@dataclass(frozen=True)
class Logo:
    url: str
    initials: str
    colour: str


def initials(name: str) -> str:
    """ "Northwind Data" reads "ND", "OpenShelf" "OS", "Ledgerline" "L"; never more than two."""
    words = WORD.findall(name)
    if not words:
        return "?"
    if len(words) == 1:
        capitals = CAPITAL.findall(words[0][1:])
        return (words[0][0] + "".join(capitals[:1])).upper()
    return (words[0][0] + words[1][0]).upper()


def company_logo(company) -> Logo:
    """The company's logo URL (empty without one) and the lettered square drawn instead."""
    colour = zlib.crc32(company.slug.encode()) % MARK_COLOURS
    return Logo(
        url=company.logo.url if company.logo else "",
        initials=initials(company.name),
        colour=f"mark-{colour}",
    )
