"""The English -> Simplified Chinese glossary every ``*_zh`` catalogue follows.

How to use it: before translating an entry, look up each technical term it contains here and use
exactly the Chinese given, so a student meets one word for one idea on every page (责任度, never
sometimes 后验概率 and sometimes 责任). ``tests/test_translation.py`` checks it: for every term
below whose English appears in an English entry (as a whole word, also in the plural; text in
`code`, in $LaTeX$ and in {placeholders} is skipped), the Chinese entry must contain the Chinese
term. When the rule does not fit a sentence, rephrase the sentence, or add its key to
``GLOSSARY_EXCEPTIONS`` with the reason. Add a term here before using a new translation of it.

Names that stay as they are in Chinese text: EM, E 步 / M 步 (with a space, as lecturers write
them), K, N, BIC, AIC, PCA, CSV, k-means, reg_covar, tol, max_iter, n_init, the covariance types
(``full``, ``tied``, ``diag``, ``spherical``) and initialisation methods (``kmeans``,
``k-means++``, ``random``, ``random_from_data``), written in code font with a Chinese gloss
where the text is Markdown: ``full``（完全协方差）, ``tied``（共享协方差）, ``diag``（对角协方差）,
``spherical``（球形协方差）.
"""

GLOSSARY = {
    "expectation-maximisation": "期望最大化",
    "E-step": "E 步",
    "M-step": "M 步",
    "half-step": "半步",
    "iteration": "迭代",
    "responsibility": "责任度",
    "log-likelihood": "对数似然",
    "likelihood": "似然",
    "lower bound": "下界",
    "evidence lower bound": "证据下界",
    "Gaussian": "高斯",
    "mixture": "混合",
    "component": "分量",
    "cluster": "簇",
    "covariance": "协方差",
    "variance": "方差",
    "standard deviation": "标准差",
    "weight": "权重",
    "density": "密度",
    "probability": "概率",
    "Dirichlet": "狄利克雷",
    "multinomial": "多项分布",
    "concentration": "浓度",
    "local optimum": "局部最优",
    "local optima": "局部最优",
    "singularity": "奇异",
    "label switching": "标签交换",
    "initialisation": "初始化",
    "converged": "收敛",
    "convergence": "收敛",
    "tolerance": "容差",
    "ellipse": "椭圆",
    "histogram": "直方图",
    "outer product": "外积",
    "Hungarian": "匈牙利",
    "adjusted Rand index": "调整兰德指数",
    "presentation mode": "演示模式",
    "seed": "种子",
    "feature": "特征",
    "sample": "样本",
    "animation": "动画",
    "frame": "帧",
    "gradient": "梯度",
    "posterior": "后验",
    "latent": "隐",
    "divergence": "散度",
}

# Entries where the rule above would force a worse sentence, each with its reason.
GLOSSARY_EXCEPTIONS: dict[str, str] = {}
