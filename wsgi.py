from fitness_voice import create_app

app = create_app()
