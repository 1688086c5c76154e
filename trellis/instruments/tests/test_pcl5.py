from __future__ import annotations

from trellis.instruments import score


def pcl5(values: dict[int, int]) -> dict[str, int]:
    return {str(n): values.get(n, 0) for n in range(1, 21)}


def test_clusters_sum_their_items() -> None:
    values = dict.fromkeys(range(1, 21), 1)  # total 20
    result = score("pcl5", pcl5(values))
    assert result.subscales == {"cluster_b": 5, "cluster_c": 2, "cluster_d": 7, "cluster_e": 6}
    assert result.total == 20


def test_clusters_add_up_to_total() -> None:
    values = {1: 4, 6: 3, 8: 2, 14: 1, 15: 4, 20: 2}
    result = score("pcl5", pcl5(values))
    assert result.subscales == {"cluster_b": 4, "cluster_c": 3, "cluster_d": 3, "cluster_e": 6}
    assert sum(result.subscales.values()) == result.total == 16


def test_threshold_33() -> None:
    below = score("pcl5", pcl5(dict.fromkeys(range(1, 9), 4)))  # 32
    at = score("pcl5", pcl5({**dict.fromkeys(range(1, 9), 4), 9: 1}))  # 33
    assert below.total == 32
    assert below.band == "below_threshold"
    assert "probable_ptsd" not in below.flags
    assert at.total == 33
    assert at.band == "probable_ptsd"
    assert "probable_ptsd" in at.flags


def test_dsm5_symptom_pattern() -> None:
    # 1 B, 1 C, 2 D, 2 E items at 2 ("Moderately") or more.
    pattern = {1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2}
    assert "dsm5_symptom_pattern" in score("pcl5", pcl5(pattern)).flags
    missing_e = {**pattern, 16: 1}
    assert "dsm5_symptom_pattern" not in score("pcl5", pcl5(missing_e)).flags
