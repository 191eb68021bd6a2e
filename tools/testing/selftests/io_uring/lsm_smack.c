// SPDX-License-Identifier: GPL-2.0
/*
 * The LSM hooks of io_uring, seen through Smack: an SQ thread needs
 * CAP_MAC_ADMIN (security_uring_sqpoll), a personality whose Smack label
 * differs from the submitter's needs CAP_MAC_OVERRIDE
 * (security_uring_override_creds), and a URING_CMD needs read access from
 * the file opener's label to the file's label (security_uring_cmd; an
 * NVMe passthrough command here). Without
 * an LSM none of these is refused, so each refusal shows that the hook was
 * called and its verdict obeyed; each case also has a control that the
 * same request passes when the rule is met.
 *
 * Every case runs in a child that changes its own capabilities or label
 * and answers with its exit status only (a relabelled task may no longer
 * write to the test's output). Needs root and Smack active (the guest
 * boots a second time with lsm=smack for this test); skipped otherwise.
 * The URING_CMD case needs an NVMe namespace in IO_URING_TEST_BLKDEV
 * (e.g. /dev/nvme0n1; only its /dev/ngXnY char device is used, with a
 * flush); skipped without it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <linux/capability.h>
#include <linux/nvme_ioctl.h>

#include "kselftest_harness.h"
#include "uring_helpers.h"

#define SMACKFS		"/sys/fs/smackfs"
/* labels no rule mentions: access to them is by label equality only */
#define LABEL_TASK	"uring-lsm-task"
#define LABEL_FILE	"uring-lsm-file"
/* exit status of a child whose set-up failed (not an errno) */
#define SETUP_FAILED	200

#define NVME_CMD_FLUSH	0x00

/* Smack is active if its filesystem can be mounted (or already is). */
static bool smack_active(void)
{
	struct stat st;

	if (stat(SMACKFS "/load2", &st) == 0)
		return true;
	mkdir(SMACKFS, 0755);
	return mount("smackfs", SMACKFS, "smackfs", 0, NULL) == 0;
}

/* Skipped unless the test runs as root with Smack active. */
FIXTURE(smack) {
};

FIXTURE_SETUP(smack)
{
	if (geteuid() != 0)
		SKIP(return, "needs root");
	if (!smack_active())
		SKIP(return, "Smack is not active (boot with lsm=smack)");
}

FIXTURE_TEARDOWN(smack)
{
}

/* Clear one capability (CAP_MAC_*) from the effective set. */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* Give the calling task a new Smack label (needs CAP_MAC_ADMIN). */
static int set_label(const char *label)
{
	int fd = open("/proc/self/attr/smack/current", O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, label, strlen(label));
	close(fd);
	return n == (ssize_t)strlen(label) ? 0 : -EPERM;
}

/* A child's answer: the errno it saw (0 for success), or SETUP_FAILED. */
static int child_answer(int status)
{
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* io_uring_setup(SQPOLL) after dropping the capabilities in *arg. */
static int sqpoll_child(void *arg)
{
	const int *caps = arg;
	int fd;

	for (; *caps >= 0; caps++)
		if (drop_cap(*caps))
			return SETUP_FAILED;
	fd = try_flags(4, IORING_SETUP_SQPOLL);
	return fd < 0 ? -fd : 0;
}

/* Without CAP_MAC_ADMIN Smack refuses an SQPOLL ring with -EPERM. */
TEST_F(smack, sqpoll_needs_mac_admin)
{
	int keep[] = { -1 };
	int no_admin[] = { CAP_MAC_ADMIN, -1 };
	int no_override[] = { CAP_MAC_OVERRIDE, -1 };

	EXPECT_EQ(0, child_answer(run_child(sqpoll_child, keep)));
	/* CAP_MAC_OVERRIDE is not what Smack asks for */
	EXPECT_EQ(0, child_answer(run_child(sqpoll_child, no_override)));
	EXPECT_EQ(EPERM, child_answer(run_child(sqpoll_child, no_admin)));
}

/*
 * Attaching a ring to an SQ thread of the same process (ATTACH_WQ) is
 * starting one, for the LSM: an SQPOLL ring, then (*arg) CAP_MAC_ADMIN
 * dropped, then a second ring attached to the first one's thread.
 */
static int attach_child(void *arg)
{
	const bool *drop = arg;
	struct io_uring_params p;
	int fd, ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	fd = sys_io_uring_setup(4, &p);
	if (fd < 0 || (*drop && drop_cap(CAP_MAC_ADMIN)))
		return SETUP_FAILED;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_ATTACH_WQ;
	p.wq_fd = fd;
	ret = try_setup(4, &p);
	close(fd);
	return ret < 0 ? -ret : 0;
}

/* Attaching to an SQ thread without CAP_MAC_ADMIN is refused too. */
TEST_F(smack, sqpoll_attach_needs_mac_admin)
{
	bool keep = false, drop = true;

	EXPECT_EQ(0, child_answer(run_child(attach_child, &keep)));
	EXPECT_EQ(EPERM, child_answer(run_child(attach_child, &drop)));
}

struct personality_case {
	const char *label;	/* the child's label after registering */
	int cap;		/* capability dropped before submitting */
};

/*
 * Register a personality (the child's credentials, label "_"), change
 * label, drop a capability, then use the personality for a NOP: the CQE's
 * result is the answer. A NOP without the personality must pass anyway.
 */
static int personality_child(void *arg)
{
	const struct personality_case *c = arg;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct uring r;
	int id;

	if (uring_init(&r, 4, 0))
		return SETUP_FAILED;
	id = sys_io_uring_register(r.fd, IORING_REGISTER_PERSONALITY, NULL, 0);
	if (id <= 0)
		return SETUP_FAILED;
	if (c->label && set_label(c->label))
		return SETUP_FAILED;
	if (drop_cap(c->cap))
		return SETUP_FAILED;
	uring_queue_nop(&r, 1, 0);
	if (uring_submit_and_wait(&r, 1) < 0 || uring_get_cqe(&r, &cqe) ||
	    cqe.res)
		return SETUP_FAILED;
	sqe = uring_get_sqe(&r);
	uring_prep_nop(sqe, 2);
	sqe->personality = id;
	if (uring_submit_and_wait(&r, 1) < 0 || uring_get_cqe(&r, &cqe))
		return SETUP_FAILED;
	return -cqe.res;
}

/* A personality of another label needs CAP_MAC_OVERRIDE to be used. */
TEST_F(smack, personality_needs_mac_override)
{
	struct personality_case relabel = { LABEL_TASK, CAP_MAC_OVERRIDE };
	struct personality_case relabel_privileged = { LABEL_TASK, CAP_MAC_ADMIN };
	struct personality_case same_label = { NULL, CAP_MAC_OVERRIDE };

	EXPECT_EQ(EPERM, child_answer(run_child(personality_child, &relabel)));
	EXPECT_EQ(0, child_answer(run_child(personality_child,
					    &relabel_privileged)));
	/* the same label needs no privilege */
	EXPECT_EQ(0, child_answer(run_child(personality_child, &same_label)));
}

struct uring_cmd_case {
	const char *ng;		/* the NVMe passthrough char device */
	unsigned int nsid;	/* its namespace ID */
	const char *label;	/* the node's label, NULL to leave it be */
};

/*
 * An NVMe flush through a node of the passthrough device made in /tmp,
 * so that labelling it touches no node of /dev: the node is labelled
 * (if the case says so), opened (root may: CAP_MAC_OVERRIDE), then that
 * capability is dropped and the command submitted. The hook checks read
 * access from the opener's label "_" to the node's.
 */
static int uring_cmd_child(void *arg)
{
	const struct uring_cmd_case *c = arg;
	const char *node = "/tmp/uring-lsm-ng", *label = c->label;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct nvme_uring_cmd *nc;
	struct uring r;
	struct stat st;
	int fd;

	if (stat(c->ng, &st) || (unlink(node) && errno != ENOENT) ||
	    mknod(node, S_IFCHR | 0600, st.st_rdev))
		return SETUP_FAILED;
	if (label && setxattr(node, "security.SMACK64", label,
			      strlen(label), 0))
		fd = -1;
	else
		fd = open(node, O_RDONLY);
	unlink(node);
	if (fd < 0 || uring_init(&r, 4, IORING_SETUP_SQE128 |
				 IORING_SETUP_CQE32))
		return SETUP_FAILED;
	if (drop_cap(CAP_MAC_OVERRIDE))
		return SETUP_FAILED;
	sqe = uring_get_sqe(&r);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = NVME_URING_CMD_IO;
	sqe->user_data = 1;
	nc = (struct nvme_uring_cmd *)sqe->cmd;
	nc->opcode = NVME_CMD_FLUSH;
	nc->nsid = c->nsid;
	if (uring_submit_and_wait(&r, 1) < 0 || uring_get_cqe(&r, &cqe))
		return SETUP_FAILED;
	return -cqe.res;
}

/* A URING_CMD on a file whose label the opener may not read is refused. */
TEST_F(smack, uring_cmd_needs_read_access)
{
	struct uring_cmd_case plain = { }, labelled;
	char ng[64], why[256];
	int fd, nsid;

	if (uring_blkdev_ng_path(ng, sizeof(ng), why, sizeof(why)))
		SKIP(return, "%s", why);
	fd = open(ng, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", ng, strerror(errno));
	nsid = ioctl(fd, NVME_IOCTL_ID);
	close(fd);
	ASSERT_LT(0, nsid) TH_LOG("NVME_IOCTL_ID on %s: %s", ng,
				  strerror(errno));
	plain.ng = ng;
	plain.nsid = nsid;
	labelled = plain;
	labelled.label = LABEL_FILE;
	EXPECT_EQ(0, child_answer(run_child(uring_cmd_child, &plain)));
	EXPECT_EQ(EACCES, child_answer(run_child(uring_cmd_child,
						 &labelled)));
}

TEST_HARNESS_MAIN
