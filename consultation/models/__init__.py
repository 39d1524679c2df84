from consultation.models.guidelines import *  # noqa: F403
