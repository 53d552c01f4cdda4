from . import main

main(prog_name="fitness-voice")
