from kehoach.cli import app

app()
