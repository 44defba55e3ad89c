/*
 * Path names: walking from the root or the working directory one
 * component at a time (xv6's namex). Only one inode is locked at a time
 * (so ".." cannot deadlock); the next inode is referenced before the
 * current one is unlocked, so neither can be freed under the walk.
 * Contract: fs.h, fs_internal.h.
 */
#include "fs_internal.h"
#include <kernel/proc.h>
#include <kernel/string.h>

/*
 * Copies the next component of *path into name and moves *path past it
 * and the slashes after it. Returns its length, 0 when no component is
 * left, ERR_INVAL when it is longer than SFS_NAME_LEN - 1 bytes.
 */
static int next_component(const char **path, char name[SFS_NAME_LEN])
{
    const char *p = *path;
    while (*p == '/')
        p++;
    const char *start = p;
    while (*p != '/' && *p != '\0')
        p++;
    size_t len = (size_t)(p - start);
    if (len >= SFS_NAME_LEN)
        return ERR_INVAL;
    memcpy(name, start, len);
    name[len] = '\0';
    while (*p == '/')
        p++;
    *path = p;
    return (int)len;
}

/* Where the walk of path starts (a new reference): the root for an
 * absolute path, else the calling process's working directory (the root
 * without a process or a working directory). */
static struct inode *start_dir(const char *path)
{
    struct proc *p = proc_current();
    if (path[0] == '/' || p == NULL || p->cwd == NULL)
        return fs_root();
    return inode_dup(p->cwd);
}

/* Walks path; with parent, stops before the last component and returns
 * it in name. Without, a path ending in '/' must name a directory. */
static err_t walk(const char *path, bool parent, struct inode **out, char name[SFS_NAME_LEN])
{
    if (path[0] == '\0')
        return ERR_NOTEXIST;
    bool dir_only = path_names_dir(path);
    struct inode *ip = start_dir(path);
    char component[SFS_NAME_LEN];
    int len;
    while ((len = next_component(&path, component)) > 0) {
        if (parent && *path == '\0') {
            memcpy(name, component, (size_t)len + 1);
            *out = ip;
            return ERR_OK;
        }
        inode_lock(ip);
        if (ip->d.type != SFS_TYPE_DIR) {
            inode_unlock(ip);
            inode_put(ip);
            return ERR_FTYPE;
        }
        /* A removed directory (a working directory, no name left) still
         * holds its "..", but the parent it names may have been removed
         * and its inode freed or handed out again since: following it
         * panicked on a free inode, or led elsewhere. Only "." (the
         * directory itself, alive while held) resolves in it. */
        if (ip->d.nlink == 0 && strcmp(component, ".") != 0) {
            inode_unlock(ip);
            inode_put(ip);
            return ERR_NOTEXIST;
        }
        /* Take the reference while the directory is locked, so an unlink
         * cannot free the inode between the lookup and the reference. */
        uint32_t inum = dir_lookup(ip, component, NULL);
        struct inode *next = inum != 0 ? inode_get(inum) : NULL;
        inode_unlock(ip);
        inode_put(ip);
        if (inum == 0)
            return ERR_NOTEXIST;
        if (next == NULL)
            return ERR_NORES;
        ip = next;
    }
    if (len < 0 || parent) {
        inode_put(ip);
        return len < 0 ? len : ERR_INVAL;
    }
    if (dir_only && inode_ftype(ip) != SFS_TYPE_DIR) {
        inode_put(ip);
        return ERR_FTYPE;              /* "README/" */
    }
    *out = ip;
    return ERR_OK;
}

/* The path's own inode. Contract in <kernel/fs.h>. */
err_t fs_lookup(const char *path, struct inode **out)
{
    return walk(path, false, out, NULL);
}

/* The path's directory and last name, for the calls that create or remove
 * that name. Contract in <kernel/fs.h>. */
err_t fs_lookup_parent(const char *path, struct inode **dir_out, char name[SFS_NAME_LEN])
{
    return walk(path, true, dir_out, name);
}
