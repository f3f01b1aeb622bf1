#pragma once

// Idle threads that sleep instead of spinning. Torch-free, so that the
// OpenFOAM applications call it first thing in main().

namespace nop
{

/// OpenMP (libgomp, under LibTorch) reads its wait policy once, as it is
/// loaded, before main(): by default an idle worker spins, which on a loaded
/// machine takes the cores the work needs (FNO 64^2, 2 threads, one busy
/// process beside: 16.2 samples/s spinning, 32.2 passive; idle machine 52.0
/// against 46.2). So a program calls this first: without OMP_WAIT_POLICY in
/// its environment it sets PASSIVE and executes itself again, once, with
/// the same arguments; a policy the user set is kept. Returns when there is
/// nothing to do, or when executing again failed (the program runs on with
/// the default policy).
void passiveOpenMPThreads(char* argv[]);

} // namespace nop
