"""Widget keys of the story page ('How the data is made'), declared once; ``draws`` is also a URL parameter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryKeys:
    """Keys of the page's own widgets and charts (the shared sidebar's are ``emlab.shared.state_keys.PARAM``)."""

    draws: str = "story_draws"  # the number of Dirichlet draws shown (bound to the URL)
    use_synthetic: str = "story_use_synthetic"
    preset_spread: str = "story_preset_spread"
    preset_seed: str = "story_preset_seed"
    dirichlet_chart: str = "story_dirichlet_chart"
    counts_chart: str = "story_counts_chart"
    samples_chart: str = "story_samples_chart"


KEYS = StoryKeys()
