"""Package data of the browse page: ``browse.js``, ``browse.css`` and ``browse.html``."""
