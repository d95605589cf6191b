"""Entry point of the backprop derivation explorer (``streamlit run app.py``): routes to the page asked for.

Every page is registered in ``backprop/ui/registry.py``; its scripts live in ``pages/``.
"""

from backprop.ui import registry

registry.route().run()
