"""The Playground (``app.py``): the whole fit as an animation, fitted against true parameters, exports.

- ``model``: what the page shows for one choice of data, model and view (one pure function);
- ``animation``: the 2-D and 1-D animated figures, one skeleton;
- ``frames``: the animation engine (chained frames, typed arrays, slider, play buttons);
- ``tables``, ``export``: the fit as numbers, and the downloads;
- ``slides``, ``slides_export``: the animation rendered as GIF or MP4;
- ``keys``, ``text``: the page's widget keys and its text.
"""
