/*
 * cmd: the slsim commands, one file each (cmd_run.c, cmd_sweep.c, ...), each
 * owning its options, its --help text and its messages. Adding a command is
 * one cmd_x.c, its line here and its line in main.c's command table.
 *
 * Each is called as a main: argv[0] is the command's name ("run"), argv[1..]
 * its arguments; it returns the exit status (cli.h).
 */
#ifndef SLSIM_CMD_H
#define SLSIM_CMD_H

int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_optimize(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_validate(int argc, char **argv);

#endif
