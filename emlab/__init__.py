"""emlab: everything between the numerical core and the Streamlit pages.

- ``settings``: frozen, hashable descriptions of what the user asked for (data, model, view);
- ``pipeline``: pure functions from settings to data sets and EM histories (no Streamlit);
- ``figures``: pure functions from EM states to plotly figures (no Streamlit);
- ``text``: every user-facing sentence, in one catalogue;
- ``controls``, ``cache``: the thin Streamlit layer shared by every page.
"""

# The app's matrices are tiny (K x D x D with D <= 6), and thread pools only cost time on them:
# on a busy two-core server OpenBLAS threads made one EM iteration ~20x slower (measured in
# benchmarks/bench_app.py), and k-means' OpenMP threads waiting on BLAS threads made the
# choose-K search 40x slower. The server already runs one session per thread, so each numeric
# call gets one thread. numpy, scipy and scikit-learn each bring their own libraries; load them
# all, then limit every pool (threadpoolctl comes with scikit-learn).
import scipy.linalg  # noqa: E402, F401
import sklearn.cluster  # noqa: E402, F401
from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(limits=1)
