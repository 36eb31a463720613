"""Classic data sets that ship with the project (no downloads)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

_DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True, eq=False)
class DataSet:
    """A named table of samples, with true labels when they are known."""

    name: str
    X: np.ndarray
    feature_names: tuple[str, ...]
    labels: np.ndarray | None = None
    class_names: tuple[str, ...] = ()

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]


def load_old_faithful() -> DataSet:
    """Old Faithful geyser: 272 eruptions, duration (min) and waiting time to the next (min).

    The data set of Bishop's PRML EM figure; public domain.
    """
    table = np.loadtxt(_DATA_DIR / "old_faithful.csv", delimiter=",", skiprows=1)
    return DataSet("Old Faithful", table, ("eruption duration (min)", "waiting time (min)"))


def load_iris() -> DataSet:
    """Fisher's iris flowers: 150 samples, 4 measurements (cm), 3 species (from scikit-learn)."""
    from sklearn.datasets import load_iris as sklearn_iris

    iris = sklearn_iris()
    names = tuple(name.replace(" (cm)", "") + " (cm)" for name in iris.feature_names)
    return DataSet("Iris", iris.data.astype(float), names, iris.target.astype(int), tuple(iris.target_names))
