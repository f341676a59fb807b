"""Per-group figures without exposing small groups (docs/design.md §3 Anonymity, "groups too small to hide a person
are not broken out").

Every place that shows or exports a figure per voter group (turnout chips in the console, the projector, the live
stream) goes through `merge_groups`, so that no group of fewer than `min_group` people can be read off, not even
by subtracting the groups shown from the total.
"""
from __future__ import annotations

OTHERS = "其他"


def merge_groups(counts: dict[str, int], min_group: int) -> dict[str, int]:
    """{label: count} in which every count is at least `min_group`, and the counts add up to the total.

    Groups with nobody in them are left out (they hold no one to protect). Groups below the threshold are pooled
    as "其他（A、B）"; when that pool is itself too small, the smallest groups that could be shown join it until
    it is large enough. When even everyone together is fewer than `min_group`, nothing is broken out ({}): the
    total alone is shown. Because each label shown covers at least `min_group` people and the labels cover
    everyone, any difference of shown figures is also a sum of at least `min_group` people.
    """
    present = {g: int(n) for g, n in counts.items() if int(n) > 0}
    if min_group <= 1:
        return present
    big = sorted(((n, g) for g, n in present.items() if n >= min_group), reverse=True)
    small = [g for g, n in present.items() if n < min_group]
    pooled = sum(present[g] for g in small)
    while small and pooled < min_group and big:
        n, g = big.pop()                  # the smallest group that could have been shown
        small.append(g)
        pooled += n
    if not big:
        return {}
    shown = {g: present[g] for g in present if g not in small}        # keep the meeting's order of groups
    if small:
        members = [g for g in present if g in small]
        shown[f"{OTHERS}（{'、'.join(members)}）"] = pooled
    return shown
