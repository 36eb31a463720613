"""How much of an uploaded file is read: one upload costs no more than the largest synthetic data set.

- ``MAX_UPLOAD_BYTES``: the size limit of ``.streamlit/config.toml`` (``server.maxUploadSize``),
  checked again when reading so the message is ours and tests can reach it.
- ``MAX_ROWS``: the largest synthetic sample (``settings.N_RANGE``); bigger files are sampled at
  random with a fixed seed (``SAMPLE_SEED``), so everyone gets the same rows.
- ``MAX_COLUMNS``: only the first columns are read. A 1,000-column file is read, not refused: its
  first ``MAX_COLUMNS`` columns are offered with a note saying so (refusing would leave the student
  with nothing to try; the note tells them how to get other columns in).
- ``MAX_FEATURES``: how many columns one model may use; ``DEFAULT_FEATURES`` are chosen at first.
"""

from __future__ import annotations

from emlab.shared.settings import N_RANGE

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = N_RANGE[1]
MAX_COLUMNS = 50
MAX_FEATURES = 20
DEFAULT_FEATURES = 6
PREVIEW_ROWS = 10
SAMPLE_SEED = 0
