from django.dispatch import Signal

# Sent inside the appending transaction with `entry`; receivers that act on the entry defer to transaction.on_commit.
entry_appended = Signal()
