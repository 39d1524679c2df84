from appeals.models.appeals import *  # noqa: F403
from appeals.models.appeals import private_storage  # noqa: F401
