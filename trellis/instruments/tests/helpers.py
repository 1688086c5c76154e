"""Builders of valid answer sets for the tests."""

from __future__ import annotations

from trellis.instruments import Answer, Instrument, Item, ItemKind, get


def answer_for_score(item: Item, score: int) -> Answer:
    """An answer to ``item`` that scores exactly ``score``."""
    if item.kind is ItemKind.DAYS:
        return next(b.low for b in item.day_bins if b.score == score)
    if item.kind is ItemKind.BOOLEAN:
        return item.options[0].score == score
    return next(i for i, option in enumerate(item.options) if option.score == score)


def item_score_set(item: Item) -> list[int]:
    if item.kind is ItemKind.DAYS:
        return sorted({b.score for b in item.day_bins})
    return sorted({o.score for o in item.options})


def answers_for_total(code: str, total: int) -> dict[str, Answer]:
    """Answers to every item of a summed instrument adding up to ``total``.

    Items whose scores have gaps (AUDIT 9-10: 0, 2, 4) are filled first, then the others,
    each with the largest score that still fits, in item order.
    """
    instrument = get(code)

    def has_gaps(item: Item) -> bool:
        scores = item_score_set(item)
        return scores != list(range(scores[0], scores[-1] + 1))

    remaining = total
    chosen: dict[str, int] = {}
    for item in sorted(instrument.items, key=lambda i: not has_gaps(i)):
        score = max(s for s in item_score_set(item) if s <= remaining)
        chosen[item.key] = score
        remaining -= score
    assert remaining == 0, f"cannot build total {total} for {code}"
    return {item.key: answer_for_score(item, chosen[item.key]) for item in instrument.items}


def lowest(instrument: Instrument) -> dict[str, Answer]:
    """Every item answered with its lowest-scoring answer."""
    return {item.key: answer_for_score(item, item_score_set(item)[0]) for item in instrument.items}
