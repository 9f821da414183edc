import TerunCLI
