"""The user-agent rules staging reads (spec 003's account_activity), generated from maintained libraries instead of
hand-written patterns:

- seeds/user_agent_parsers.csv: every browser, OS and device parser of uap-core (the `ua-parser-builtins` package that
  `ua-parser` reads), in its order, as PostgreSQL regular expressions;
- seeds/user_agent_family_lists.csv: the family lists with which the `user-agents` library tells tablets, phones and
  computers apart.

base_renders__user_agents applies them in SQL (the first parser that matches wins, as in ua-parser) and derives a
device class the way `user-agents` does (macro user_agent_device_class). test_renders_activity checks the SQL against
both libraries on a corpus of real user agents. Regenerate after upgrading the libraries:

    .venv/bin/python -m orchestration.user_agents
"""

from __future__ import annotations

import csv
import re

from .project import PROJECT_ROOT

PARSERS_SEED = PROJECT_ROOT / "seeds" / "user_agent_parsers.csv"
FAMILY_LISTS_SEED = PROJECT_ROOT / "seeds" / "user_agent_family_lists.csv"

# The lists of user_agents.parsers that its is_tablet / is_mobile / is_pc read, by the name the seed gives them.
FAMILY_LISTS = {
    "tablet_device": "TABLET_DEVICE_FAMILIES",
    "mobile_device": "MOBILE_DEVICE_FAMILIES",
    "mobile_browser": "MOBILE_BROWSER_FAMILIES",
    "mobile_os": "MOBILE_OS_FAMILIES",
    "pc_os": "PC_OS_FAMILIES",
}


def java_pattern(pattern: str) -> str:
    """A uap-core pattern as Spark's regular expressions (Java's) read it: ua-parser's finite-automaton rewrite
    (unbounded wildcards instead of bounds of 300 or more), word boundaries left as \\b."""
    from ua_parser.utils import fa_simplifier

    return fa_simplifier(pattern)


def postgres_pattern(pattern: str) -> str:
    r"""A uap-core pattern as PostgreSQL reads it: PostgreSQL allows at most 255 repetitions in a bound, and uap-core
    bounds its wildcards at 300 or more against backtracking. ua-parser's own finite-automaton rewrite
    (ua_parser.utils.fa_simplifier: {0,N} becomes *, {1,N} becomes +, classes spelled out) is exactly that change.
    And a word boundary, \b in Python, is \y in PostgreSQL (\b is a backspace there); uap-core never puts one in
    a bracket expression."""
    from ua_parser.utils import fa_simplifier

    simplified = re.sub(r"(?<!\\)((?:\\\\)*)\\b", r"\1\\y", fa_simplifier(pattern))
    too_long = re.search(r"\{\d+,(\d+)\}", simplified)
    if too_long and int(too_long.group(1)) > 255:
        raise ValueError(f"a repetition PostgreSQL cannot bound: {pattern}")
    return simplified


def parser_rows() -> list[dict[str, str | int]]:
    """One row per uap-core parser: kind (browser, os, device), priority (its order; the first match wins), the
    pattern (PostgreSQL's and Java's form), how many groups it captures, its flags ('i': case-insensitive) and the
    family it gives ($1.. the pattern's groups)."""
    from ua_parser_builtins.matchers import MATCHERS

    browsers, systems, devices = MATCHERS
    rows: list[dict[str, str | int]] = []
    for kind, matchers in (("browser", browsers), ("os", systems), ("device", devices)):
        for priority, matcher in enumerate(matchers, start=1):
            rows.append({
                "kind": kind,
                "priority": priority,
                "pattern": postgres_pattern(matcher.regex),
                "java_pattern": java_pattern(matcher.regex),
                "capture_groups": re.compile(matcher.regex).groups,
                "flags": getattr(matcher, "regex_flag", "") or "",
                "family": matcher.family or "$1",
            })
    return rows


def family_list_rows() -> list[dict[str, str]]:
    from user_agents import parsers

    return [{"list_name": name, "family": family}
            for name, constant in FAMILY_LISTS.items()
            for family in sorted(set(getattr(parsers, constant)))]


def write_seeds() -> None:
    for path, rows in ((PARSERS_SEED, parser_rows()), (FAMILY_LISTS_SEED, family_list_rows())):
        with path.open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"{path.relative_to(PROJECT_ROOT)}: {len(rows)} rows")


if __name__ == "__main__":
    write_seeds()
