# TEMPORARY STUB by sync helper - will be removed
HELP = "stub"
def add_arguments(parser): pass
def handle(command, options): pass
