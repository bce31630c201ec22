"""Each fill of emulator/fills/, per AWS service, against a live emulator."""
