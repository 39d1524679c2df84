from consultation.selectors.threads import *  # noqa: F403
from consultation.selectors.threads import _first_replies  # noqa: F401
