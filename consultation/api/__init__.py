from consultation.api.guidelines import *  # noqa: F403
