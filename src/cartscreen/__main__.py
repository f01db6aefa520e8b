from cartscreen.cli import main

main()
