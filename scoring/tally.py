"""Ballots to per-secretary score histograms and (weighted, trimmed) means, vectorised.

Everything after the histogram works on at most secretaries × sources × groups × 10 numbers,
so a million ballots cost one factorize and one bincount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import BallotError, RulesError
from .rules import Rules, Trim

SCORES = np.arange(1, 11, dtype=np.int64)


@dataclass
class Tally:
    ids: list[str]  # output order
    hist: np.ndarray  # (n, 10) ballots per score 1..10, all sources and groups
    mean: np.ndarray  # (n,) the mean the bands apply to; NaN without ballots
    raw_mean: np.ndarray  # (n,) plain mean of all ballots
    weighted: np.ndarray  # (n,) bool: ballots in more than one weighted cell
    trimmed: np.ndarray  # (n,) ballots cut by the trimmed mean
    sources: list[str]  # directions (上述/下评) of the weighted ballots; [] when not weighted by source
    source_hist: np.ndarray  # (n, len(sources) or 1, 10) ballots per direction and score


def tally(ballots: pd.DataFrame | None, rules: Rules, secretaries=None, extra_ids=()) -> Tally:
    ballots = _frame(ballots)
    codes, uniques = pd.factorize(_as_str(ballots["secretary"]))
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0]) + 1
        raise BallotError(f"第 {row} 行：述职人为空", row=row)
    if secretaries is not None:
        ids = [str(s) for s in secretaries]
        dup = pd.Index(ids)[pd.Index(ids).duplicated()]
        if len(dup):
            raise RulesError(f"述职人名单中“{dup[0]}”重复")
    else:
        ids = sorted(set(uniques) | {str(s) for s in extra_ids})
    where = pd.Index(ids).get_indexer(uniques)
    if (where < 0).any():
        bad = uniques[int(np.flatnonzero(where < 0)[0])]
        first = int(np.flatnonzero(codes == np.flatnonzero(where < 0)[0])[0]) + 1
        raise BallotError(f"第 {first} 行：述职人“{bad}”不在述职人名单中", row=first)
    pos = where[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    n = len(ids)
    src, ws, sources = _dimension(ballots, "source", rules.weights.source, None, "评议方向")
    grp, wg, _ = _dimension(ballots, "group", rules.weights.group, rules.weights.group_default, "投票人类别")
    S, G = len(ws), len(wg)
    key = ((pos * S + src) * G + grp) * 10 + (ballots["score"].to_numpy(np.int64) - 1)
    count = ballots["count"].to_numpy(np.int64) if "count" in ballots else None
    size = n * S * G * 10
    if count is None:
        flat = np.bincount(key, minlength=size)
    else:  # float sums of integers are exact below 2**53 ballots
        flat = np.rint(np.bincount(key, weights=count, minlength=size)).astype(np.int64)
    cells = flat.reshape(n, S, G, 10)
    hist = cells.sum(axis=(1, 2))
    votes = hist.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw_mean = np.where(votes > 0, hist @ SCORES / np.maximum(votes, 1), np.nan)
        kept = _trimmed(cells, rules.trim)
        mean = _weighted_mean(kept, wg, ws)
    weighted = ((cells.sum(axis=-1) > 0).sum(axis=(1, 2)) > 1) & (len(wg) * len(ws) > 1)
    return Tally(ids, hist, mean, raw_mean, weighted, votes - kept.sum(axis=(1, 2, 3)), sources,
                 cells.sum(axis=2))


def _frame(ballots) -> pd.DataFrame:
    if ballots is None or (len(ballots) == 0 and "secretary" not in ballots):
        return pd.DataFrame({"secretary": pd.Series([], dtype=object), "score": pd.Series([], dtype=np.int64)})
    return ballots


def _as_str(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(column):
        return column
    return column.astype(str)


def _dimension(ballots, column, weights, default, label):
    """Codes of a weighted dimension, the weight and label of each code; one cell when unweighted."""
    if not weights or column not in ballots:
        return 0, np.ones(1), []
    codes, uniques = _labels(ballots[column])
    table = dict(weights)
    missing = [u for u in uniques if u not in table and default is None]
    if missing:
        what = f"{label}为空" if missing[0] == "" else f"{label}“{missing[0]}”不在规则的权重表中"
        raise RulesError(f"{what}（规则按 {'、'.join(table)} 加权）")
    w = np.array([table.get(u, default) for u in uniques], dtype=float)
    return codes, (w if len(w) else np.ones(1)), list(uniques)


def _labels(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Factorize, then clean the few distinct labels (blank for missing, spaces stripped)."""
    codes, uniques = pd.factorize(column)
    labels = ["" if pd.isna(u) else str(u).strip() for u in uniques]
    if (codes < 0).any():  # missing values: code -1 picks the "" appended last
        labels.append("")
    clean, merged = pd.factorize(pd.Series(labels, dtype=object))
    return clean[codes], list(merged)


def _trimmed(cells: np.ndarray, trim: Trim) -> np.ndarray:
    """Cut k ballots from each end of every cell; a cell too small to keep one is left whole."""
    if not trim.active:
        return cells
    size = cells.sum(axis=-1, keepdims=True)
    if trim.share:
        k = size * trim.share.numerator // trim.share.denominator
    else:
        k = np.full_like(size, trim.count)
    k = np.where(size - 2 * k >= 1, k, 0)
    below = np.cumsum(cells, axis=-1) - cells
    above = np.cumsum(cells[..., ::-1], axis=-1)[..., ::-1] - cells
    low_cut = np.clip(k - below, 0, cells)
    high_cut = np.clip(k - above, 0, cells)
    return cells - low_cut - high_cut


def _weighted_mean(cells: np.ndarray, wg: np.ndarray, ws: np.ndarray) -> np.ndarray:
    """Mean per cell, weighted over the groups present, then over the sources present (004 §三).

    Weights renormalise over what is present: a secretary heard only by 上述 gets the 上述 mean.
    """
    size = cells.sum(axis=-1)
    total = cells @ SCORES
    if len(wg) == 1 and len(ws) == 1:
        size, total = size.sum(axis=(1, 2)), total.sum(axis=(1, 2))
        return np.where(size > 0, total / np.maximum(size, 1), np.nan)
    cell_mean = np.where(size > 0, total / np.maximum(size, 1), 0.0)
    present = size > 0
    gw = present * wg
    src_w = gw.sum(axis=2)
    src_mean = np.where(src_w > 0, (cell_mean * gw).sum(axis=2) / np.where(src_w > 0, src_w, 1), 0.0)
    sw = (src_w > 0) * ws
    all_w = sw.sum(axis=1)
    return np.where(all_w > 0, (src_mean * sw).sum(axis=1) / np.where(all_w > 0, all_w, 1), np.nan)
