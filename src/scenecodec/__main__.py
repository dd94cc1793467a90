"""``python -m scenecodec`` runs the command line."""

from scenecodec.cli import main

main()
