from appeals.selectors.decisions import *  # noqa: F403
