"""emlab: everything between the numerical core (``gmm_core``) and the Streamlit pages, by feature.

One folder per page: its pure model (what is computed), its pure plotly figures, its keys and its
text (``text.py`` in English, ``text_zh.py`` in Simplified Chinese). What two pages use lives once
in ``shared``, which imports no feature folder. Only ``shared.cache``, ``shared.controls`` and
``shared.page`` import Streamlit; everything else is pure and testable without a browser.

- ``shared``: what several pages use
    - ``settings``: frozen descriptions of what the user asked for (data, model, view), widget ranges;
    - ``pipeline``: pure functions from settings to data sets and EM histories;
    - ``cache``, ``controls``, ``page``: the thin Streamlit layer (cached calls, sidebar, page setup);
    - ``state_keys``: the shared session-state keys and URL parameters, declared once;
    - ``style``: palette, symbols, sizes, the figure template and font, presentation mode's page text;
    - ``figures``: the 2-D view, ellipses, means, and the display rules
      (histogram bins, the off-scale first log-likelihood, which rows a chart draws);
    - ``panels``: the log-likelihood panel and the pieces of a 1-D histogram picture;
    - ``state_figures``: one EM state as traces and as a still figure;
    - ``layers``: light pieces (the soft-colour blend, one point trace, ellipses as shapes, ``StillFigure``);
    - ``formulas``: numbers and matrices in LaTeX with live values;
    - ``light_blocks``: small tables as Markdown and code as a ``<pre>`` (no component bundle), one number rule;
    - ``text``, ``common_text``: the catalogue reader and the shared entries;
      ``language``, ``glossary_zh``: the language setting and the Chinese glossary.
- ``playground`` (``app.py``): the whole fit as an animation
    - ``model``: what the page shows for one choice of data, model and view;
    - ``animation``: the 2-D and 1-D animated figures; ``frames``: the animation engine;
      ``palette``: the points' blended colours as one byte each (a palette index);
    - ``tables``, ``export``: the fit as numbers, and the downloads (CSV, JSON, offline HTML);
    - ``slides``, ``slides_export``, ``slides_text``: the animation as GIF or MP4, one export at a time;
    - ``keys``, ``text``.
- ``step_through`` (``pages/1_Step_through.py``): one half-step per click
    - ``walk``: the half-steps computed so far and a cursor; ``controller``: what each click does;
    - ``view``: sentences, figures, formulas and tables for one session;
    - ``figures``, ``scene``, ``curve``: the step chart, the data as it draws them, the small curve;
    - ``formulas``: the E- and M-step formulas with live numbers; ``keys``, ``text``.
- ``story`` (``pages/2_How_the_data_is_made.py``): Dirichlet -> multinomial -> Gaussian
    - ``model``, ``figures``, ``keys``, ``text``.
- ``choose_k`` (``pages/3_How_many_components.py``): BIC and AIC against K
    - ``model``, ``figures``, ``keys``, ``text``.
- ``pitfalls`` (``pages/4_When_EM_goes_wrong.py``): local optima, singularities, label switching,
  hard vs soft, the original script's mistakes
    - ``runs``: the five experiments; ``figures``, ``layers``: their pictures (hard labels, panels);
      ``raster``: the gallery's points painted as one picture per panel; ``text``.
- ``your_data`` (``pages/5_Your_own_data.py``): a CSV file read, its columns chosen
    - ``upload``: the reading steps in order; ``limits``, ``decoding``, ``sniffing``, ``cells``,
      ``column_names``, ``numeric_table``, ``problems``: each step; ``selection``: columns to a
      data set; ``state``: the page's keys and callbacks; ``figures``: the preview; ``text``.
- ``why_em_works`` (``pages/6_Why_EM_works.py``): the lower bound that touches the likelihood
    - ``model``: the bound along one iteration, the whole fit as bound + gap, EM beside gradient ascent;
    - ``figures`` (the slice, the decomposition), ``landscape`` (EM beside gradient ascent), ``formulas``, ``text``.
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
