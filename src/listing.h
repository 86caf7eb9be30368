/* listing.h - the listing: sockscope's options, state words and filter
 * in, the sockets out, as ss lists them. */
#ifndef SOCKSCOPE_LISTING_H
#define SOCKSCOPE_LISTING_H

/* argv as main has it (argv[0] the program). Prints the listing, or one
 * error line, and returns the exit status (enum sc_exit). The caller has
 * set the locale and ignores SIGPIPE. */
int listing_run(int argc, char **argv);

#endif
