"""The Playground (``app.py``): the whole fit as an animation, fitted against true parameters, exports."""
