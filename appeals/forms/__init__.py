from appeals.forms.filing import *  # noqa: F403
