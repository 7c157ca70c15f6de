# Models of this addon are added by the issues that build it.
