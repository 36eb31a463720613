"""Shared fixtures: comparisons with scikit-learn, one BLAS thread, fresh Streamlit caches per test."""

from __future__ import annotations

import functools
import os
import sys

import numpy as np
import pytest
from hypothesis import settings as hypothesis_settings
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from gmm_core import GMMParams

# On CI every property test explores the same examples (a red build is then reproducible and
# never depends on luck); locally each run draws new ones and keeps failures in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# A property test marked ``slow`` (many examples) also runs as ``<name>[quick]`` with this many
# examples and without the mark, so the contributor loop (-m "not slow") still checks the property.
QUICK_EXAMPLES = 8


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Add a quick copy, not marked slow, of every slow hypothesis test (before -m selects)."""
    quick_copies = []
    for item in items:
        test = getattr(item, "obj", None)
        if item.get_closest_marker("slow") and getattr(test, "is_hypothesis_test", False):
            copy = pytest.Function.from_parent(item.parent, name=f"{item.name}[quick]", callobj=test)
            copy.own_markers = [mark for mark in copy.own_markers if mark.name != "slow"]
            copy.keywords._markers.pop("slow", None)  # NodeKeywords refuses del; its own dict does not
            copy.quick_examples = QUICK_EXAMPLES
            quick_copies.append((items.index(item) + 1, copy))
    for offset, (position, copy) in enumerate(quick_copies):
        items.insert(position + offset, copy)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Run a quick copy with QUICK_EXAMPLES examples (its function is shared with the slow original)."""
    examples = getattr(item, "quick_examples", None)
    if examples is None:
        return (yield)
    test = item.obj
    full = test._hypothesis_internal_use_settings
    test._hypothesis_internal_use_settings = hypothesis_settings(full, max_examples=min(examples, full.max_examples))
    try:
        return (yield)
    finally:
        test._hypothesis_internal_use_settings = full


def sklearn_mixture_from(params: GMMParams) -> GaussianMixture:
    """A scikit-learn GaussianMixture whose fitted attributes are exactly ``params``."""
    mixture = GaussianMixture(n_components=params.n_components, covariance_type=params.covariance_type)
    mixture._set_parameters(
        (
            np.array(params.weights),
            np.array(params.means),
            np.array(params.covariances),
            np.array(params.precisions_cholesky),
        )
    )
    mixture.n_features_in_ = params.n_features
    return mixture


def assert_same_mixture(weights, means, covariances, expected_weights, expected_means, expected_covariances, rtol):
    """Assert two mixtures agree to relative tolerance ``rtol``.

    Weights and means are compared entry by entry. Covariance entries are compared relative to
    the largest entry (``atol = rtol * max |Sigma|``): an off-diagonal entry close to zero is the
    small difference of large numbers, so its own relative error says nothing about the fit.
    """
    np.testing.assert_allclose(weights, expected_weights, rtol=rtol, err_msg="weights differ")
    np.testing.assert_allclose(means, expected_means, rtol=rtol, err_msg="means differ")
    scale = float(np.max(np.abs(expected_covariances)))
    np.testing.assert_allclose(
        covariances, expected_covariances, rtol=rtol, atol=rtol * scale, err_msg="covariances differ"
    )


def _scan_installed_components_once() -> None:
    """Let every AppTest reuse one scan of the installed packages for Streamlit components.

    Each new AppTest scans the metadata of every installed distribution for component manifests
    (measured: 0.17 s of a 0.22 s page run, so most of what a page test costs); the installed
    packages do not change while the tests run. If Streamlit moves the scanner, tests only get
    slower, never wrong.
    """
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return
    scan = getattr(manifest_scanner, "scan_component_manifests", None)
    if scan is not None and not hasattr(scan, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(scan)


_scan_installed_components_once()


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """Clear Streamlit's caches around every test that uses Streamlit, so no test sees another's results.

    Core tests never import Streamlit, so they stay runnable without it.
    """
    _clear_streamlit_caches()
    yield
    _clear_streamlit_caches()


def _clear_streamlit_caches() -> None:
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()


@pytest.fixture
def to_sklearn():
    """Build a fitted scikit-learn GaussianMixture from GMMParams (see :func:`sklearn_mixture_from`)."""
    return sklearn_mixture_from


@pytest.fixture
def assert_matches_sklearn():
    """Assert that GMMParams agree with a fitted scikit-learn GaussianMixture to ``rtol``."""

    def check(params: GMMParams, mixture: GaussianMixture, rtol: float = 1e-6) -> None:
        assert params.covariance_type == mixture.covariance_type
        assert_same_mixture(
            params.weights,
            params.means,
            params.covariances,
            mixture.weights_,
            mixture.means_,
            mixture.covariances_,
            rtol,
        )

    return check


@pytest.fixture(scope="module")
def one_blas_thread():
    """Run a module's tests with BLAS on one thread.

    The core's matrices are tiny; on a busy two-core machine OpenBLAS's worker threads make each
    small LAPACK call ~15x slower (emlab pins one thread for the same reason).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield
