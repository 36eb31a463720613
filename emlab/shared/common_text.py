"""Text shared by every page: sidebar controls, data sources, model options, errors."""

EN = {
    "app.title": "EM Lab",
    "language.label": "Language",
    "app.tagline": "Watch the EM algorithm fit a Gaussian mixture, one half-step at a time.",
    # Sidebar: data
    "data.header": "Data",
    "data.source": "Data source",
    "data.source.help": "synthetic: drawn by Dirichlet -> multinomial -> Gaussian (the truth is known). old_faithful: 272 geyser eruptions (2-D). iris: 150 flowers (4-D, 3 species). upload: your CSV from the 'Your own data' page.",
    "data.n": "Samples N",
    "data.k_true": "True components",
    "data.d": "Dimensions D",
    "data.alpha": "Dirichlet concentration",
    "data.alpha.help": "Small values (0.1) give very unequal class sizes; large values (100) nearly equal ones.",
    "data.separation": "Cluster separation",
    "data.separation.help": "Smallest distance between true means, in component standard deviations.",
    "data.elongation": "Cluster elongation",
    "data.elongation.help": "Longest over shortest axis of each true ellipse (1 = round); each is turned at random.",
    "data.layout": "Layout",
    "data.layout.help": "spread: means pushed apart by the separation, ellipses shaped by the elongation. seed_script: the original script's layout, means U(0,1)^D x 20 i and covariances 2 i I.",
    "data.seed": "Data seed",
    # Sidebar: model
    "model.header": "Model",
    "model.k": "Components to fit K",
    "model.cov": "Covariance type",
    "model.cov.help": "full: each component any ellipse. tied: one ellipse shape shared by all. diag: axis-aligned ellipses. spherical: circles.",
    "model.init": "Initialisation",
    "model.init.help": "kmeans: start from k-means labels (already close). k-means++: K spread-out data points. random: random soft labels (all means start near the centre). random_from_data: K random data points.",
    "model.reg_covar": "reg_covar (added to covariance diagonals)",
    "model.max_iter": "Max iterations",
    "model.tol": "Tolerance (stop when log-likelihood changes less)",
    "model.seed": "Model seed",
    "model.options": "EM options",
    # Sidebar: view
    "view.header": "View",
    "view.projection": "Show",
    "view.projection.help": "features: two chosen columns (the 2-D marginal). pca: the first two principal axes.",
    "view.x": "Horizontal axis",
    "view.y": "Vertical axis",
    "view.truth": "Show true components (dashed)",
    "view.large": "Presentation mode (large text)",
    # Errors and warnings
    "error.data": "The data could not be made: {message}",
    "error.fit": "EM could not run with these settings: {message}",
    "error.kept": "Showing the last result that worked. Change the setting above to continue.",
    "warn.k_gt_n": "K = {k} is more than the {n} samples; choose K at most {n}.",
    "warn.few_samples": "Only {n} samples for K = {k} components (fewer than {per} per component): EM will fit noise. Use fewer components or more data.",
    "warn.tol_zero": "tol = 0 never stops early, so EM runs all {max_iter} iterations.",
    "warn.subsampled": "Showing {shown:,} of {n:,} points (a random subset) to keep the animation smooth.",
    "warn.constant_column": "Feature {name} is constant: every component's variance along it is only reg_covar.",
    "warn.upload_missing": "No uploaded data yet. Upload a CSV on the 'Your own data' page, then come back.",
    "warn.same_features": "Choose two different features for the axes.",
    # The log-likelihood panel and the 1-D density pieces (emlab.shared.panels)
    "anim.ll_name": "log-likelihood",
    "anim.ll_marker": "current iteration",
    "anim.ll_hover": "iteration %{x}<br>mean log-likelihood %{y:.4f}",
    "anim.ll_x": "iteration",
    "anim.ll_clipped": "iteration 1: {value}<br>(the starting guess,<br>far below the panel)",
    "anim.ll_y": "mean log-likelihood",
    "anim.mixture": "mixture density",
}

EN.update(
    {
        "nav.playground": "Playground",
        "nav.step": "Step through EM",
        "nav.story": "How the data is made",
        "nav.choose_k": "How many components?",
        "nav.pitfalls": "When EM goes wrong",
        "nav.upload": "Your own data",
        "nav.standalone": "This page runs on its own; start the app with `streamlit run app.py` to see all pages.",
    }
)
