"""Validation: stylized facts of labour markets the model should reproduce, untargeted.

    skillsim validate [SCENARIO] --workers 20000 --months 120 --seeds 4

Modules: ``observe`` (one run, driven month by month; the demand cycle), ``runs`` (the
plan of runs and the executors they go on), ``measures`` (the statistics, pure
functions), ``facts`` (each fact: measure, empirical figure, rule), ``sources`` (full
citations), ``verdicts`` (the rules), ``summary`` (means, intervals, verdicts, details),
``report`` (Markdown, HTML, terminal), ``output`` (the folder), ``cli`` (the command).
"""
