// The translation unit that builds the shared precompiled header (RUNNEL_PCH in
// the top-level CMakeLists.txt); it has no code of its own.
