"""``python -m scenecodec`` runs the command line."""

from scenecodec.interfaces.cli import main

main()
