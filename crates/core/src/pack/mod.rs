//! Evidence packs: the police-ready export and its verifier (being built).
