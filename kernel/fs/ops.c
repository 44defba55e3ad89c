/*
 * The calls that change names: create (files and directories), link,
 * unlink, rmdir. Each is one transaction. Locks: the parent directory,
 * then the inode named in it (never the other way round; "." and ".."
 * cannot be removed, and directories have no second names, so the named
 * inode is always below its parent). Contract: fs.h, fs_internal.h.
 */
#include "fs_internal.h"

/* ERR_OK if dir (locked) is a directory that may get new entries. */
static err_t dir_usable(struct inode *dir)
{
    if (dir->d.type != SFS_TYPE_DIR)
        return ERR_FTYPE;
    if (dir->d.nlink == 0)
        return ERR_NOTEXIST;           /* removed, though someone still holds it */
    return ERR_OK;
}

/* Fills the new inode ip (locked) and names it in dp (locked). */
static err_t create_locked(struct inode *dp, const char *name, struct inode *ip, int ftype)
{
    err_t err = ERR_OK;
    ip->d.nlink = 1;                   /* the name in dp */
    if (ftype == SFS_TYPE_DIR) {
        ip->d.nlink++;                 /* its own "." */
        err = dir_link(ip, ".", ip->inum);
        if (err == ERR_OK)
            err = dir_link(ip, "..", dp->inum);
    }
    if (err == ERR_OK)
        err = dir_link(dp, name, ip->inum);
    if (err == ERR_OK && ftype == SFS_TYPE_DIR) {
        dp->d.nlink++;                 /* the new ".." */
        inode_update(dp);
    }
    if (err != ERR_OK)
        ip->d.nlink = 0;               /* inode_put frees it */
    inode_update(ip);
    return err;
}

/*
 * Creates path as a new file or directory (with "." and "..") in one
 * transaction; with open_existing, a name already there is no error but
 * the result (*out). The lookup of the name, the reference to what it
 * names and the create are all under the parent's lock, so no unlink can
 * come between them.
 */
static err_t create(const char *path, int ftype, bool open_existing, struct inode **out)
{
    struct inode *dp, *ip = NULL;
    char name[SFS_NAME_LEN];
    if (ftype != SFS_TYPE_FILE && ftype != SFS_TYPE_DIR)
        return ERR_INVAL;
    path = path_to_name(path);
    err_t err = fs_lookup_parent(path, &dp, name);
    if (err != ERR_OK)
        return err;
    if (ftype == SFS_TYPE_FILE && path_names_dir(path)) {
        inode_put(dp);
        return ERR_FTYPE;              /* "new/" names a directory, not a file */
    }

    journal_begin();
    inode_lock(dp);
    err = dir_usable(dp);
    uint32_t inum = err == ERR_OK ? dir_lookup(dp, name, NULL) : 0;   /* "." and ".." included */
    if (inum != 0 && !open_existing)
        err = ERR_EXIST;
    else if (inum != 0 && (ip = inode_get(inum)) == NULL)
        err = ERR_NORES;
    if (err == ERR_OK && inum == 0)
        err = inode_alloc(ftype, &ip);
    if (err == ERR_OK && inum == 0) {
        inode_lock_child(dp, ip);
        err = create_locked(dp, name, ip, ftype);
        inode_unlock(ip);
    }
    inode_unlock(dp);
    journal_end(NULL);
    inode_put(dp);

    if (ip != NULL && (err != ERR_OK || out == NULL))
        inode_put(ip);
    else if (err == ERR_OK)
        *out = ip;
    return err;
}

/* Contract in <kernel/fs.h>. */
err_t fs_create(const char *path, int ftype, struct inode **out)
{
    return create(path, ftype, false, out);
}

/* open() with FS_CREAT: the file, made if missing. Looking up and then
 * creating after ERR_NOTEXIST (as open did) failed with ERR_NOTEXIST when
 * another process created the name between the two and a third removed
 * it before the look-up that followed ERR_EXIST. Contract in
 * <kernel/fs.h>. */
err_t fs_open_or_create(const char *path, struct inode **out)
{
    return create(path, SFS_TYPE_FILE, true, out);
}

/* link(): a new name newpath for oldpath's inode (not a directory), in one
 * transaction. Contract in <kernel/fs.h>. */
err_t fs_link(const char *oldpath, const char *newpath)
{
    struct inode *ip, *dp;
    char name[SFS_NAME_LEN];
    err_t err = fs_lookup(oldpath, &ip);
    if (err != ERR_OK)
        return err;
    newpath = path_to_name(newpath);
    err = fs_lookup_parent(newpath, &dp, name);
    if (err == ERR_OK && path_names_dir(newpath)) {
        inode_put(dp);
        err = ERR_FTYPE;               /* a file's new name cannot name a directory */
    }
    if (err != ERR_OK) {
        inode_put(ip);
        return err;
    }

    journal_begin();
    inode_lock(ip);
    if (ip->d.type == SFS_TYPE_DIR)
        err = ERR_FTYPE;               /* no second names for directories */
    else if (ip->d.nlink == 0xffff)
        err = ERR_NORES;
    else
        ip->d.nlink++;                 /* first, so the file cannot vanish meanwhile */
    if (err == ERR_OK)
        inode_update(ip);
    inode_unlock(ip);
    if (err == ERR_OK) {
        inode_lock(dp);
        err = dir_usable(dp);
        if (err == ERR_OK)
            err = dir_link(dp, name, ip->inum);
        inode_unlock(dp);
        if (err != ERR_OK) {
            inode_lock(ip);
            ip->d.nlink--;
            inode_update(ip);
            inode_unlock(ip);
        }
    }
    journal_end(NULL);
    inode_put(dp);
    inode_put(ip);
    return err;
}

/* Removes the entry at off of dp, which names ip (both locked, in a
 * transaction), if ip is of the kind asked for (ERR_FTYPE otherwise) and,
 * for a directory, empty (ERR_NOTEMPTY). The link counts follow: the name,
 * and for a directory its "." and its ".." in dp. */
static err_t unlink_locked(struct inode *dp, offset_t off, struct inode *ip, bool want_dir)
{
    bool is_dir = ip->d.type == SFS_TYPE_DIR;
    if (is_dir != want_dir)
        return ERR_FTYPE;
    if (is_dir && !dir_is_empty(ip))
        return ERR_NOTEMPTY;
    dir_unlink_at(dp, off);
    ip->d.nlink--;                     /* the name in dp */
    if (is_dir) {
        ip->d.nlink--;                 /* its "." */
        dp->d.nlink--;                 /* its ".." */
        inode_update(dp);
    }
    inode_update(ip);
    return ERR_OK;
}

/* Removes name from its parent: a file (want_dir false) or an empty
 * directory (want_dir true). */
static err_t remove_name(const char *path, bool want_dir)
{
    struct inode *dp, *ip = NULL;
    char name[SFS_NAME_LEN];
    offset_t off;
    err_t err = fs_lookup_parent(path, &dp, name);
    if (err != ERR_OK)
        return err;
    if (is_dot_or_dotdot(name)) {
        /* "." and ".." cannot be removed, but in a file ("f/.") they
         * use the file as a directory: ERR_FTYPE, as mkdir and link of
         * the same path answer. */
        err = inode_ftype(dp) == SFS_TYPE_DIR ? ERR_INVAL : ERR_FTYPE;
        inode_put(dp);
        return err;
    }

    journal_begin();
    inode_lock(dp);
    uint32_t inum = 0;
    if (dp->d.type != SFS_TYPE_DIR)
        err = ERR_FTYPE;
    else if ((inum = dir_lookup(dp, name, &off)) == 0)
        err = ERR_NOTEXIST;
    else if (!want_dir && path_names_dir(path))
        err = ERR_FTYPE;               /* "f/" names a directory, which unlink keeps */
    else if ((ip = inode_get(inum)) == NULL)
        err = ERR_NORES;
    if (err == ERR_OK) {
        inode_lock_child(dp, ip);
        err = unlink_locked(dp, off, ip, want_dir);
        /* A small file nobody else holds goes in this group; otherwise
         * inode_put below, or the last holder's, frees it. */
        if (err == ERR_OK)
            inode_free_now(ip);
        inode_unlock(ip);
    }
    inode_unlock(dp);
    journal_end(NULL);
    if (ip != NULL)
        inode_put(ip);
    inode_put(dp);
    return err;
}

/* The name-removing calls share remove_name; they differ only in which file
 * type they accept. Contract in <kernel/fs.h>. */
err_t fs_unlink(const char *path)
{
    return remove_name(path, false);
}

/* As fs_unlink, for an empty directory. Contract in <kernel/fs.h>. */
err_t fs_rmdir(const char *path)
{
    return remove_name(path, true);
}
