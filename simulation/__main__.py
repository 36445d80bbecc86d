"""``python -m simulation``: the ``skillsim`` command, for an environment whose scripts
folder is not on the PATH (a cluster node's own Python, say)."""

from simulation.console import entry

if __name__ == "__main__":
    entry()
