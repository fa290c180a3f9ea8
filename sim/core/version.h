/* version: the one place the release number lives. */
#define SLSIM_VERSION "0.1.0"
