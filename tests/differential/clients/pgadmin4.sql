-- Client: pgAdmin 4 9.18 (PyPI) in headless Chromium: connect, expand the tree to a table's columns, Properties, Query Tool
-- Captured live from a PostgreSQL 15 log (log_statement = 'all') by tests/differential/capture.py;
-- OID literals are the capturing server's (the differential test maps them to ours).

-- [1]
SELECT version();

-- [2]
SELECT
	    db.oid as did, db.datname, db.datallowconn,
	    pg_encoding_to_char(db.encoding) AS serverencoding,
	    has_database_privilege(db.oid, 'CREATE') as cancreate,
	    datistemplate
	FROM
	    pg_catalog.pg_database db
	WHERE db.datname = current_database();

-- [3]
SELECT
	             gss_authenticated, encrypted
	        FROM
	            pg_catalog.pg_stat_gssapi
	        WHERE pid = pg_backend_pid();

-- [4]
SELECT
	            roles.oid as id, roles.rolname as name,
	            roles.rolsuper as is_superuser,
	            CASE WHEN roles.rolsuper THEN true ELSE roles.rolcreaterole END as
	            can_create_role,
	            CASE WHEN roles.rolsuper THEN true
	            ELSE roles.rolcreatedb END as can_create_db,
	            CASE WHEN 'pg_signal_backend'=ANY(ARRAY(WITH RECURSIVE cte AS (
	            SELECT pg_roles.oid,pg_roles.rolname FROM pg_catalog.pg_roles
	                WHERE pg_roles.oid = roles.oid
	            UNION ALL
	            SELECT m.roleid,pgr.rolname FROM cte cte_1
	                JOIN pg_catalog.pg_auth_members m ON m.member = cte_1.oid
	                JOIN pg_catalog.pg_roles pgr ON pgr.oid = m.roleid)
	            SELECT rolname  FROM cte)) THEN True
	            ELSE False END as can_signal_backend
	        FROM
	            pg_catalog.pg_roles as roles
	        WHERE
	            rolname = current_user;

-- [5]
SELECT CASE WHEN usesuper
	       THEN pg_catalog.pg_is_in_recovery()
	       ELSE FALSE
	       END as inrecovery,
	       CASE WHEN usesuper AND pg_catalog.pg_is_in_recovery()
	       THEN pg_is_wal_replay_paused()
	       ELSE FALSE
	       END as isreplaypaused
	FROM pg_catalog.pg_user WHERE usename=current_user;

-- [6]
SELECT CASE
	    WHEN (SELECT count(extname) FROM pg_catalog.pg_extension WHERE extname='bdr') > 0
	    THEN 'pgd'
	    WHEN (SELECT COUNT(*) FROM pg_catalog.pg_replication_slots) > 0
	    THEN 'log'
	    ELSE NULL
	END as type;

-- [7]
SELECT 1;

-- [8]
SELECT
	    has_table_privilege(
	      'pgagent.pga_job', 'INSERT, SELECT, UPDATE'
	    ) has_priviledge
	WHERE EXISTS(
	    SELECT has_schema_privilege('pgagent', 'USAGE')
	    WHERE EXISTS(
	        SELECT cl.oid FROM pg_catalog.pg_class cl
	        LEFT JOIN pg_catalog.pg_namespace ns ON ns.oid=relnamespace
	        WHERE relname='pga_job' AND nspname='pgagent'
	    )
	);

-- [9]
SELECT
	    db.oid as did, db.datname as name, ta.spcname as spcname, db.datallowconn,
	    db.datistemplate AS is_template,
	    pg_catalog.has_database_privilege(db.oid, 'CREATE') as cancreate, datdba as owner,
	    descr.description
	FROM
	    pg_catalog.pg_database db
	    LEFT OUTER JOIN pg_catalog.pg_tablespace ta ON db.dattablespace = ta.oid
	    LEFT OUTER JOIN pg_catalog.pg_shdescription descr ON (
	        db.oid=descr.objoid AND descr.classoid='pg_database'::regclass
	    )
	WHERE         db.oid > 16383::OID OR db.datname IN ('postgres', 'edb')
	
	ORDER BY datname;

-- [10]
SELECT COUNT(*) FROM pg_catalog.pg_extension WHERE extname IN (
	                'edb_job_scheduler', 'dbms_scheduler');

-- [11]
SELECT
	    nsp.oid,
	    nsp.nspname as name,
	    pg_catalog.has_schema_privilege(nsp.oid, 'CREATE') as can_create,
	    pg_catalog.has_schema_privilege(nsp.oid, 'USAGE') as has_usage,
	    des.description
	FROM
	    pg_catalog.pg_namespace nsp
	    LEFT OUTER JOIN pg_catalog.pg_description des ON
	        (des.objoid=nsp.oid AND des.classoid='pg_namespace'::regclass)
	WHERE
	             nspname NOT LIKE E'pg\\_%' AND
	            NOT (
	(nsp.nspname = 'pg_catalog' AND EXISTS
	        (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'pg_class' AND
	            relnamespace = nsp.oid LIMIT 1)) OR
	    (nsp.nspname = 'pgagent' AND EXISTS
	        (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'pga_job' AND
	            relnamespace = nsp.oid LIMIT 1)) OR
	    (nsp.nspname = 'information_schema' AND EXISTS
	        (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'tables' AND
	            relnamespace = nsp.oid LIMIT 1))
	    )
	
	    
	ORDER BY nspname;

-- [12]
SELECT
	    nsp.nspname as schema_name,
	    (nsp.nspname = 'pg_catalog' AND EXISTS
	        (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'pg_class' AND
	            relnamespace = nsp.oid LIMIT 1)) OR
	    (nsp.nspname = 'pgagent' AND EXISTS
	        (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'pga_job' AND
	            relnamespace = nsp.oid LIMIT 1)) OR
	    (nsp.nspname = 'information_schema' AND EXISTS
	        (SELECT 1 FROM pg_catalog.pg_class WHERE relname = 'tables' AND
	            relnamespace = nsp.oid LIMIT 1)) AS is_catalog,
	    CASE
	    WHEN nsp.nspname = ANY('{information_schema}')
	        THEN false
	    ELSE true END AS db_support
	FROM
	    pg_catalog.pg_namespace nsp
	WHERE
	    nsp.oid = 16391::OID;

-- [13]
SELECT rel.oid, rel.relname AS name,
	    (SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid=rel.oid AND tgisinternal = FALSE) AS triggercount,
	    (SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid=rel.oid AND tgisinternal = FALSE AND tgenabled = 'O') AS has_enable_triggers,
	    (CASE WHEN rel.relkind = 'p' THEN true ELSE false END) AS is_partitioned,
	    (SELECT count(1) FROM pg_catalog.pg_inherits WHERE inhrelid=rel.oid LIMIT 1) as is_inherits,
	    (SELECT count(1) FROM pg_catalog.pg_inherits WHERE inhparent=rel.oid LIMIT 1) as is_inherited,
	    des.description
	FROM pg_catalog.pg_class rel
	    LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=rel.oid AND des.objsubid=0 AND des.classoid='pg_class'::regclass)
	    WHERE rel.relkind IN ('r','s','t','p') AND rel.relnamespace = 16391::oid
	    AND NOT rel.relispartition
	        ORDER BY rel.relname;

-- [14]
SELECT
	    CASE WHEN c.relkind = 'p' THEN True ELSE False END As ptable
	FROM
	    pg_catalog.pg_class c
	WHERE
	    c.oid = 16442::oid;

-- [15]
SELECT nsp.nspname AS schema ,rel.relname AS table
	FROM pg_catalog.pg_class rel
	    JOIN pg_catalog.pg_namespace nsp
	    ON rel.relnamespace = nsp.oid::oid
	    WHERE rel.oid = 16442::oid;

-- [16]
SELECT DISTINCT att.attname as name, att.attnum as OID, pg_catalog.format_type(ty.oid,NULL) AS datatype,
	pg_catalog.format_type(ty.oid,att.atttypmod) AS displaytypname,
	att.attnotnull as not_null,
	CASE WHEN att.atthasdef OR att.attidentity != '' OR ty.typdefault IS NOT NULL THEN True
	ELSE False END as has_default_val, des.description, seq.seqtypid
	FROM pg_catalog.pg_attribute att
	    JOIN pg_catalog.pg_type ty ON ty.oid=atttypid
	    JOIN pg_catalog.pg_namespace tn ON tn.oid=ty.typnamespace
	    JOIN pg_catalog.pg_class cl ON cl.oid=att.attrelid
	    JOIN pg_catalog.pg_namespace na ON na.oid=cl.relnamespace
	    LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=ty.typelem
	    LEFT OUTER JOIN pg_catalog.pg_attrdef def ON adrelid=att.attrelid AND adnum=att.attnum
	    LEFT OUTER JOIN (pg_catalog.pg_depend JOIN pg_catalog.pg_class cs ON classid='pg_class'::regclass AND objid=cs.oid AND cs.relkind='S') ON refobjid=att.attrelid AND refobjsubid=att.attnum
	    LEFT OUTER JOIN pg_catalog.pg_namespace ns ON ns.oid=cs.relnamespace
	    LEFT OUTER JOIN pg_catalog.pg_index pi ON pi.indrelid=att.attrelid AND indisprimary
	    LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=att.attrelid AND des.objsubid=att.attnum AND des.classoid='pg_class'::regclass)
	    LEFT OUTER JOIN pg_catalog.pg_sequence seq ON cs.oid=seq.seqrelid
	WHERE
	
	    att.attrelid = 16442::oid
	    AND att.attnum > 0
	    AND att.attisdropped IS FALSE
	ORDER BY att.attnum;

-- [17]
WITH INH_TABLES AS
	    (SELECT
	     at.attname AS name, ph.inhparent AS inheritedid, ph.inhseqno,
	     pg_catalog.concat(nmsp_parent.nspname, '.',parent.relname ) AS inheritedfrom
	    FROM
	        pg_catalog.pg_attribute at
	    JOIN
	        pg_catalog.pg_inherits ph ON ph.inhparent = at.attrelid AND ph.inhrelid = 33896::oid
	    JOIN
	        pg_catalog.pg_class parent ON ph.inhparent  = parent.oid
	    JOIN
	        pg_catalog.pg_namespace nmsp_parent ON nmsp_parent.oid  = parent.relnamespace
	    GROUP BY at.attname, ph.inhparent, ph.inhseqno, inheritedfrom
	    ORDER BY at.attname, ph.inhparent, ph.inhseqno, inheritedfrom
	    )
	SELECT DISTINCT ON (att.attnum) att.attname as name, att.atttypid, att.attlen, att.attnum, att.attndims,
			att.atttypmod, att.attacl, att.attnotnull, att.attoptions, att.attfdwoptions, att.attstattarget,
			att.attstorage, att.attidentity,
			pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS defval,
			pg_catalog.format_type(ty.oid,NULL) AS typname,
	        pg_catalog.format_type(ty.oid,att.atttypmod) AS displaytypname,
			pg_catalog.format_type(ty.oid,att.atttypmod) AS cltype,
			inh.inheritedfrom,
			inh.inheritedid,
	        CASE WHEN ty.typelem > 0 THEN ty.typelem ELSE ty.oid END as elemoid,
			(SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = ty.typnamespace) as typnspname,
	        ty.typstorage AS defaultstorage,
			description, pi.indkey,
		(SELECT count(1) FROM pg_catalog.pg_type t2 WHERE t2.typname=ty.typname) > 1 AS isdup,
		CASE WHEN length(coll.collname::text) > 0 AND length(nspc.nspname::text) > 0  THEN
		  pg_catalog.concat(pg_catalog.quote_ident(nspc.nspname),'.',pg_catalog.quote_ident(coll.collname))
		ELSE '' END AS collspcname,
		EXISTS(SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid=att.attrelid AND contype='f' AND att.attnum=ANY(conkey)) As is_fk,
		(SELECT pg_catalog.array_agg(provider || '=' || label) FROM pg_catalog.pg_seclabels sl1 WHERE sl1.objoid=att.attrelid AND sl1.objsubid=att.attnum) AS seclabels,
		(CASE WHEN (att.attnum < 1) THEN true ElSE false END) AS is_sys_column,
		(CASE WHEN (att.attidentity in ('a', 'd')) THEN 'i' WHEN (att.attgenerated in ('s')) THEN 'g' ELSE 'n' END) AS colconstype,
		(CASE WHEN (att.attgenerated in ('s')) THEN pg_catalog.pg_get_expr(def.adbin, def.adrelid) END) AS genexpr, tab.relname as relname,
		(CASE WHEN tab.relkind = 'v' THEN true ELSE false END) AS is_view_only,
		(CASE WHEN att.attcompression = 'p' THEN 'pglz' WHEN att.attcompression = 'l' THEN 'lz4' END) AS attcompression,
		(SELECT dsd.refobjid
		 FROM pg_catalog.pg_depend dsd
		   JOIN pg_catalog.pg_class dsc ON dsd.refclassid='pg_catalog.pg_class'::regclass
		     AND dsd.refobjid=dsc.oid AND dsc.relkind='S'
		 WHERE dsd.classid='pg_catalog.pg_attrdef'::regclass
		   AND dsd.objid=def.oid AND dsd.deptype='n'
		 ORDER BY dsd.refobjid
		 LIMIT 1) AS defseqrelid,
		seq.*
	FROM pg_catalog.pg_attribute att
	  JOIN pg_catalog.pg_type ty ON ty.oid=atttypid
	  LEFT OUTER JOIN pg_catalog.pg_attrdef def ON adrelid=att.attrelid AND adnum=att.attnum
	  LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=att.attrelid AND des.objsubid=att.attnum AND des.classoid='pg_class'::regclass)
	  LEFT OUTER JOIN (pg_catalog.pg_depend dep JOIN pg_catalog.pg_class cs ON dep.classid='pg_class'::regclass AND dep.objid=cs.oid AND cs.relkind='S') ON dep.refobjid=att.attrelid AND dep.refobjsubid=att.attnum
	  LEFT OUTER JOIN pg_catalog.pg_index pi ON pi.indrelid=att.attrelid AND indisprimary
	  LEFT OUTER JOIN pg_catalog.pg_collation coll ON att.attcollation=coll.oid
	  LEFT OUTER JOIN pg_catalog.pg_namespace nspc ON coll.collnamespace=nspc.oid
	  LEFT OUTER JOIN pg_catalog.pg_sequence seq ON cs.oid=seq.seqrelid
	  LEFT OUTER JOIN pg_catalog.pg_class tab on tab.oid = att.attrelid
	  LEFT OUTER join INH_TABLES as INH ON att.attname = INH.name
	WHERE att.attrelid = 16442::oid
	    AND att.attnum > 0
	    AND att.attisdropped IS FALSE
	    ORDER BY att.attnum;

-- [18]
SELECT pg_catalog.array_to_string(pg_catalog.array_agg(inhrelname), ', ') inhrelname, attrname
	FROM
	 (SELECT
	   inhparent::regclass AS inhrelname,
	   a.attname AS attrname
	  FROM pg_catalog.pg_inherits i
	  LEFT JOIN pg_catalog.pg_attribute a ON
	   (attrelid = inhparent AND attnum > 0)
	  WHERE inhrelid = 16442::oid
	  ORDER BY inhseqno
	 ) a
	GROUP BY attrname;

-- [19]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 1::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 1::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [20]
SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource= 20
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype = 20;

-- [21]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 2::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 2::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [22]
SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource= 1043
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype = 1043;

-- [23]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 3::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 3::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [24]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 4::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 4::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [25]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 5::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 5::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [26]
SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource= 1700
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype = 1700;

-- [27]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 6::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 6::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [28]
SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource= 16
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype = 16;

-- [29]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 7::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 7::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [30]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 8::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 8::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [31]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 9::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 9::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [32]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 10::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 10::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [33]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 11::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 11::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [34]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 12::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 12::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [35]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 13::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 13::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [36]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 14::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 14::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [37]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 15::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 15::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [38]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 16::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 16::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [39]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 17::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 17::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [40]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 18::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 18::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [41]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 19::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 19::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [42]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 20::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 20::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [43]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 21::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 21::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [44]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 22::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 22::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [45]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 23::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 23::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [46]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 24::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 24::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [47]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 25::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 25::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [48]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 26::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 26::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [49]
SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource= 23
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype = 23;

-- [50]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 27::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 27::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [51]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 28::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 28::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [52]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 29::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 29::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [53]
SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource= 25
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype = 25;

-- [54]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 30::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 30::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [55]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 31::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 31::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [56]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 32::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 32::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [57]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 33::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 33::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [58]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 34::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 34::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [59]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 35::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 35::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [60]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 36::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 36::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [61]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 37::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 37::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [62]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 38::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 38::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [63]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 39::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 39::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [64]
SELECT 'attacl' as deftype,
	    COALESCE(gt.rolname, 'PUBLIC') grantee,
	    g.rolname grantor,
	    pg_catalog.array_agg(privilege_type order by privilege_type) as privileges,
	    pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
	        WHEN 'CONNECT' THEN 'c'
	        WHEN 'CREATE' THEN 'C'
	        WHEN 'DELETE' THEN 'd'
	        WHEN 'EXECUTE' THEN 'X'
	        WHEN 'INSERT' THEN 'a'
	        WHEN 'REFERENCES' THEN 'x'
	        WHEN 'SELECT' THEN 'r'
	        WHEN 'TEMPORARY' THEN 'T'
	        WHEN 'TRIGGER' THEN 't'
	        WHEN 'TRUNCATE' THEN 'D'
	        WHEN 'UPDATE' THEN 'w'
	        WHEN 'USAGE' THEN 'U'
	        ELSE 'UNKNOWN'
	    END AS privilege_type
	  FROM
	    (SELECT attacl
	        FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 40::int
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        pg_catalog.aclexplode(attacl) as d FROM pg_catalog.pg_attribute att
	        WHERE att.attrelid = 16442::oid
	        AND att.attnum = 40::int) a) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [65]
SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource= 1114
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype = 1114;

-- [66]
SELECT
	    r.oid, r.rolname, r.rolcanlogin, r.rolsuper, d.description
	FROM pg_catalog.pg_roles r
	    LEFT JOIN pg_catalog.pg_shdescription d
	    ON d.objoid = r.oid AND d.classoid = 'pg_catalog.pg_authid'::regclass
	ORDER BY r.rolcanlogin, r.rolname;

-- [67]
SELECT
	    ts.oid AS oid, spcname AS name, spcowner as owner,
	    pg_catalog.shobj_description(oid, 'pg_tablespace') AS description
	FROM
	    pg_catalog.pg_tablespace ts
	ORDER BY name;

-- [68]
SELECT rel.oid, rel.relname AS name, rel.reltablespace AS spcoid,rel.relacl AS relacl_str,
	  (CASE WHEN length(spc.spcname::text) > 0 OR rel.relkind = 'p' THEN spc.spcname ELSE
	    (SELECT sp.spcname FROM pg_catalog.pg_database dtb
	    JOIN pg_catalog.pg_tablespace sp ON dtb.dattablespace=sp.oid
	    WHERE dtb.oid = 16389::oid)
	  END) as spcname,
	  (CASE rel.relreplident
	          WHEN 'd' THEN 'default'
	          WHEN 'n' THEN 'nothing'
	          WHEN 'f' THEN 'full'
	          WHEN 'i' THEN 'index'
	  END) as replica_identity,
	  (select nspname FROM pg_catalog.pg_namespace WHERE oid = 16391::oid ) as schema,
	  pg_catalog.pg_get_userbyid(rel.relowner) AS relowner, rel.relkind,
	  (CASE WHEN rel.relkind = 'p' THEN true ELSE false END) AS is_partitioned,
	  rel.relhassubclass, rel.reltuples::bigint, des.description, con.conname, con.conkey,
		EXISTS(select 1 FROM pg_catalog.pg_trigger
				JOIN pg_catalog.pg_proc pt ON pt.oid=tgfoid AND pt.proname='logtrigger'
				JOIN pg_catalog.pg_proc pc ON pc.pronamespace=pt.pronamespace AND pc.proname='slonyversion'
				WHERE tgrelid=rel.oid) AS isrepl,
		(SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid=rel.oid AND tgisinternal = FALSE) AS triggercount,
		(SELECT ARRAY(SELECT CASE WHEN (nspname NOT LIKE 'pg\_%') THEN
	            pg_catalog.quote_ident(nspname)||'.'||pg_catalog.quote_ident(c.relname)
	            ELSE pg_catalog.quote_ident(c.relname) END AS inherited_tables
	    FROM pg_catalog.pg_inherits i
	    JOIN pg_catalog.pg_class c ON c.oid = i.inhparent
	    JOIN pg_catalog.pg_namespace n ON n.oid=c.relnamespace
	    WHERE i.inhrelid = rel.oid ORDER BY inhseqno)) AS coll_inherits,
	  (SELECT count(*)
			FROM pg_catalog.pg_inherits i
	      JOIN pg_catalog.pg_class c ON c.oid = i.inhparent
	      JOIN pg_catalog.pg_namespace n ON n.oid=c.relnamespace
			WHERE i.inhrelid = rel.oid) AS inherited_tables_cnt,
		(CASE WHEN rel.relpersistence = 'u' THEN true ELSE false END) AS relpersistence,
		(SELECT st.setting from pg_catalog.pg_show_all_settings() st WHERE st.name = 'default_table_access_method') as default_amname,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'fillfactor=([0-9]*)') AS fillfactor,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'parallel_workers=([0-9]*)') AS parallel_workers,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'toast_tuple_target=([0-9]*)') AS toast_tuple_target,
		(substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_enabled=([a-z|0-9]*)'))::BOOL AS autovacuum_enabled,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_vacuum_threshold=([0-9]*)') AS autovacuum_vacuum_threshold,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_vacuum_scale_factor=([0-9]*[.]?[0-9]*)') AS autovacuum_vacuum_scale_factor,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_analyze_threshold=([0-9]*)') AS autovacuum_analyze_threshold,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_analyze_scale_factor=([0-9]*[.]?[0-9]*)') AS autovacuum_analyze_scale_factor,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_vacuum_cost_delay=([0-9]*)') AS autovacuum_vacuum_cost_delay,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_vacuum_cost_limit=([0-9]*)') AS autovacuum_vacuum_cost_limit,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_freeze_min_age=([0-9]*)') AS autovacuum_freeze_min_age,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_freeze_max_age=([0-9]*)') AS autovacuum_freeze_max_age,
		substring(pg_catalog.array_to_string(rel.reloptions, ',') FROM 'autovacuum_freeze_table_age=([0-9]*)') AS autovacuum_freeze_table_age,
		(substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_enabled=([a-z|0-9]*)'))::BOOL AS toast_autovacuum_enabled,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_vacuum_threshold=([0-9]*)') AS toast_autovacuum_vacuum_threshold,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_vacuum_scale_factor=([0-9]*[.]?[0-9]*)') AS toast_autovacuum_vacuum_scale_factor,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_analyze_threshold=([0-9]*)') AS toast_autovacuum_analyze_threshold,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_analyze_scale_factor=([0-9]*[.]?[0-9]*)') AS toast_autovacuum_analyze_scale_factor,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_vacuum_cost_delay=([0-9]*)') AS toast_autovacuum_vacuum_cost_delay,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_vacuum_cost_limit=([0-9]*)') AS toast_autovacuum_vacuum_cost_limit,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_freeze_min_age=([0-9]*)') AS toast_autovacuum_freeze_min_age,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_freeze_max_age=([0-9]*)') AS toast_autovacuum_freeze_max_age,
		substring(pg_catalog.array_to_string(tst.reloptions, ',') FROM 'autovacuum_freeze_table_age=([0-9]*)') AS toast_autovacuum_freeze_table_age,
		rel.reloptions AS reloptions, tst.reloptions AS toast_reloptions, rel.reloftype, am.amname,
		CASE WHEN typ.typname IS NOT NULL THEN (select pg_catalog.quote_ident(nspname) FROM pg_catalog.pg_namespace WHERE oid = 16391::oid )||'.'||pg_catalog.quote_ident(typ.typname) ELSE typ.typname END AS typname,
		typ.typrelid AS typoid, rel.relrowsecurity as rlspolicy, rel.relforcerowsecurity as forcerlspolicy,
		(CASE WHEN rel.reltoastrelid = 0 THEN false ELSE true END) AS hastoasttable,
		(SELECT pg_catalog.array_agg(provider || '=' || label) FROM pg_catalog.pg_seclabels sl1 WHERE sl1.objoid=rel.oid AND sl1.objsubid=0) AS seclabels,
		(CASE WHEN rel.oid <= 16383::oid THEN true ElSE false END) AS is_sys_table
		-- Added for partition table
	    , (CASE WHEN rel.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(16442::oid) ELSE '' END) AS partition_scheme FROM pg_catalog.pg_class rel
	  LEFT OUTER JOIN pg_catalog.pg_tablespace spc on spc.oid=rel.reltablespace
	  LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=rel.oid AND des.objsubid=0 AND des.classoid='pg_class'::regclass)
	  LEFT OUTER JOIN pg_catalog.pg_constraint con ON con.conrelid=rel.oid AND con.contype='p'
	  LEFT OUTER JOIN pg_catalog.pg_class tst ON tst.oid = rel.reltoastrelid
	  LEFT JOIN pg_catalog.pg_type typ ON rel.reloftype=typ.oid
	  LEFT OUTER JOIN pg_catalog.pg_am am ON am.oid = rel.relam
	WHERE rel.relkind IN ('r','s','t','p') AND rel.relnamespace = 16391::oid
	AND NOT rel.relispartition
	  AND rel.oid = 16442::oid ORDER BY rel.relname;

-- [69]
SELECT c.oid,
	  pg_catalog.quote_ident(n.nspname)||'.'||pg_catalog.quote_ident(c.relname) AS typname
	  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c
	WHERE c.relkind = 'c' AND c.relnamespace=n.oid
	AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema') 
	ORDER BY typname;

-- [70]
SELECT 'relacl' as deftype, COALESCE(gt.rolname, 'PUBLIC') grantee, g.rolname grantor,
	    pg_catalog.array_agg(privilege_type) as privileges, pg_catalog.array_agg(is_grantable) as grantable
	FROM
	  (SELECT
	    d.grantee, d.grantor, d.is_grantable,
	    CASE d.privilege_type
			WHEN 'CONNECT' THEN 'c'
			WHEN 'CREATE' THEN 'C'
			WHEN 'DELETE' THEN 'd'
			WHEN 'EXECUTE' THEN 'X'
			WHEN 'INSERT' THEN 'a'
			WHEN 'MAINTAIN' THEN 'm'
			WHEN 'REFERENCES' THEN 'x'
			WHEN 'SELECT' THEN 'r'
			WHEN 'TEMPORARY' THEN 'T'
			WHEN 'TRIGGER' THEN 't'
			WHEN 'TRUNCATE' THEN 'D'
			WHEN 'UPDATE' THEN 'w'
			WHEN 'USAGE' THEN 'U'
			ELSE 'UNKNOWN'
		END AS privilege_type
	  FROM
	    (SELECT rel.relacl
	        FROM pg_catalog.pg_class rel
	          LEFT OUTER JOIN pg_catalog.pg_tablespace spc on spc.oid=rel.reltablespace
	          LEFT OUTER JOIN pg_catalog.pg_constraint con ON con.conrelid=rel.oid AND con.contype='p'
	          LEFT OUTER JOIN pg_catalog.pg_class tst ON tst.oid = rel.reltoastrelid
	          LEFT JOIN pg_catalog.pg_type typ ON rel.reloftype=typ.oid
	        WHERE rel.relkind IN ('r','s','t','p') AND rel.relnamespace = 16391::oid
	            AND rel.oid = 16442::oid
	    ) acl,
	    (SELECT (d).grantee AS grantee, (d).grantor AS grantor, (d).is_grantable
	        AS is_grantable, (d).privilege_type AS privilege_type FROM (SELECT
	        aclexplode(rel.relacl) as d
	        FROM pg_catalog.pg_class rel
	          LEFT OUTER JOIN pg_catalog.pg_tablespace spc on spc.oid=rel.reltablespace
	          LEFT OUTER JOIN pg_catalog.pg_constraint con ON con.conrelid=rel.oid AND con.contype='p'
	          LEFT OUTER JOIN pg_catalog.pg_class tst ON tst.oid = rel.reltoastrelid
	          LEFT JOIN pg_catalog.pg_type typ ON rel.reloftype=typ.oid
	        WHERE rel.relkind IN ('r','s','t','p') AND rel.relnamespace = 16391::oid
	            AND rel.oid = 16442::oid
	        ) a ORDER BY privilege_type) d
	    ) d
	  LEFT JOIN pg_catalog.pg_roles g ON (d.grantor = g.oid)
	  LEFT JOIN pg_catalog.pg_roles gt ON (d.grantee = gt.oid)
	GROUP BY g.rolname, gt.rolname
	ORDER BY grantee;

-- [71]
SELECT name, setting::numeric AS setting FROM pg_catalog.pg_show_all_settings() WHERE name IN('autovacuum_vacuum_threshold','autovacuum_analyze_threshold','autovacuum_vacuum_scale_factor','autovacuum_analyze_scale_factor','autovacuum_vacuum_cost_delay','autovacuum_vacuum_cost_limit','autovacuum_freeze_max_age','vacuum_freeze_min_age','vacuum_freeze_table_age') ORDER BY name;

-- [72]
SELECT name, setting::numeric AS setting FROM pg_catalog.pg_show_all_settings() WHERE name IN('autovacuum_vacuum_threshold','autovacuum_vacuum_scale_factor','autovacuum_vacuum_cost_delay','autovacuum_vacuum_cost_limit','autovacuum_freeze_max_age','vacuum_freeze_min_age','vacuum_freeze_table_age') ORDER BY name;

-- [73]
SELECT t.main_oid, pg_catalog.ARRAY_AGG(t.typname) as edit_types
	FROM
	(SELECT pc.castsource AS main_oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	    JOIN pg_catalog.pg_cast pc ON tt.oid=pc.casttarget
	    WHERE pc.castsource IN (20,1043,1700,16,23,25,1114)
	    AND pc.castcontext IN ('i', 'a')
	UNION
	SELECT tt.typbasetype AS main_oid, pg_catalog.format_type(tt.oid,NULL) AS typname
	FROM pg_catalog.pg_type tt
	WHERE tt.typbasetype  IN (20,1043,1700,16,23,25,1114)
	) t
	GROUP BY t.main_oid;

-- [74]
SELECT cls.oid,
	    cls.relname as name,
	    indnkeyatts as col_count,
	    indnullsnotdistinct,
	    CASE WHEN length(spcname::text) > 0 THEN spcname ELSE
	        (SELECT sp.spcname FROM pg_catalog.pg_database dtb
	        JOIN pg_catalog.pg_tablespace sp ON dtb.dattablespace=sp.oid
	        WHERE dtb.oid = 16389::oid)
	    END as spcname,
	    CASE contype
	        WHEN 'p' THEN desp.description
	        WHEN 'u' THEN desp.description
	        WHEN 'x' THEN desp.description
	        ELSE des.description
	    END AS comment,
	    condeferrable,
	    condeferred,
	    conislocal,
	    substring(pg_catalog.array_to_string(cls.reloptions, ',') from 'fillfactor=([0-9]*)') AS fillfactor
	FROM pg_catalog.pg_index idx
	JOIN pg_catalog.pg_class cls ON cls.oid=indexrelid
	LEFT OUTER JOIN pg_catalog.pg_tablespace ta on ta.oid=cls.reltablespace
	LEFT JOIN pg_catalog.pg_depend dep ON (dep.classid = cls.tableoid AND dep.objid = cls.oid AND dep.refobjsubid = '0' AND dep.refclassid=(SELECT oid FROM pg_catalog.pg_class WHERE relname='pg_constraint') AND dep.deptype='i')
	LEFT OUTER JOIN pg_catalog.pg_constraint con ON (con.tableoid = dep.refclassid AND con.oid = dep.refobjid)
	LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=cls.oid AND des.classoid='pg_class'::regclass)
	LEFT OUTER JOIN pg_catalog.pg_description desp ON (desp.objoid=con.oid AND desp.objsubid = 0 AND desp.classoid='pg_constraint'::regclass)
	WHERE indrelid = 16442::oid
	AND contype='p'
	ORDER BY cls.relname;

-- [75]
SELECT * FROM (
	SELECT  pg_catalog.pg_get_indexdef(16447 , 1 , true) AS column, 0 AS dummy
	) tmp
	ORDER BY dummy;

-- [76]
SELECT cls.oid,
	    cls.relname as name,
	    indnkeyatts as col_count,
	    indnullsnotdistinct,
	    CASE WHEN length(spcname::text) > 0 THEN spcname ELSE
	        (SELECT sp.spcname FROM pg_catalog.pg_database dtb
	        JOIN pg_catalog.pg_tablespace sp ON dtb.dattablespace=sp.oid
	        WHERE dtb.oid = 16389::oid)
	    END as spcname,
	    CASE contype
	        WHEN 'p' THEN desp.description
	        WHEN 'u' THEN desp.description
	        WHEN 'x' THEN desp.description
	        ELSE des.description
	    END AS comment,
	    condeferrable,
	    condeferred,
	    conislocal,
	    substring(pg_catalog.array_to_string(cls.reloptions, ',') from 'fillfactor=([0-9]*)') AS fillfactor
	FROM pg_catalog.pg_index idx
	JOIN pg_catalog.pg_class cls ON cls.oid=indexrelid
	LEFT OUTER JOIN pg_catalog.pg_tablespace ta on ta.oid=cls.reltablespace
	LEFT JOIN pg_catalog.pg_depend dep ON (dep.classid = cls.tableoid AND dep.objid = cls.oid AND dep.refobjsubid = '0' AND dep.refclassid=(SELECT oid FROM pg_catalog.pg_class WHERE relname='pg_constraint') AND dep.deptype='i')
	LEFT OUTER JOIN pg_catalog.pg_constraint con ON (con.tableoid = dep.refclassid AND con.oid = dep.refobjid)
	LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=cls.oid AND des.classoid='pg_class'::regclass)
	LEFT OUTER JOIN pg_catalog.pg_description desp ON (desp.objoid=con.oid AND desp.objsubid = 0 AND desp.classoid='pg_constraint'::regclass)
	WHERE indrelid = 16442::oid
	AND contype='u'
	ORDER BY cls.relname;

-- [77]
SELECT ct.oid,
	      conname as name,
	      condeferrable,
	      condeferred,
	      confupdtype,
	      confdeltype,
	      CASE confmatchtype
	        WHEN 's' THEN FALSE
	        WHEN 'f' THEN TRUE
	      END AS confmatchtype,
	      conkey,
	      confkey,
	      confrelid,
	      nl.nspname as fknsp,
	      cl.relname as fktab,
	      nr.oid as refnspoid,
	      nr.nspname as refnsp,
	      cr.relname as reftab,
	      description as comment,
	      convalidated,
	      conislocal
	FROM pg_catalog.pg_constraint ct
	JOIN pg_catalog.pg_class cl ON cl.oid=conrelid
	JOIN pg_catalog.pg_namespace nl ON nl.oid=cl.relnamespace
	JOIN pg_catalog.pg_class cr ON cr.oid=confrelid
	JOIN pg_catalog.pg_namespace nr ON nr.oid=cr.relnamespace
	LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=ct.oid AND des.classoid='pg_constraint'::regclass)
	WHERE contype='f' AND
	conrelid = 16442::oid
	ORDER BY conname;

-- [78]
SELECT a1.attname as conattname,
	    a2.attname as confattname
	FROM pg_catalog.pg_attribute a1,
	    pg_catalog.pg_attribute a2
	WHERE a1.attrelid=16442::oid
	    AND a1.attnum=8
	    AND a2.attrelid=16421::oid
	    AND a2.attnum=1;

-- [79]
SELECT nsp.nspname AS schema,
	    rel.relname AS table
	FROM
	    pg_catalog.pg_class rel
	JOIN pg_catalog.pg_namespace nsp
	ON rel.relnamespace = nsp.oid::oid
	WHERE rel.oid = 16421::oid;

-- [80]
SELECT   cls.oid, cls.relname as idxname, indnatts as col_count
	  FROM pg_catalog.pg_index idx
	  JOIN pg_catalog.pg_class cls ON cls.oid=indexrelid
	  LEFT JOIN pg_catalog.pg_depend dep ON (dep.classid = cls.tableoid AND dep.objid = cls.oid AND dep.refobjsubid = '0' AND dep.refclassid=(SELECT oid FROM pg_catalog.pg_class WHERE relname='pg_constraint') AND dep.deptype='i')
	  LEFT OUTER JOIN pg_catalog.pg_constraint con ON (con.tableoid = dep.refclassid AND con.oid = dep.refobjid)
	WHERE idx.indrelid = 16442::oid
	    AND con.contype='p'
	
	UNION
	
	SELECT  cls.oid, cls.relname as idxname, indnatts
	    FROM pg_catalog.pg_index idx
	    JOIN pg_catalog.pg_class cls ON cls.oid=indexrelid
	    LEFT JOIN pg_catalog.pg_depend dep ON (dep.classid = cls.tableoid AND dep.objid = cls.oid AND dep.refobjsubid = '0' AND dep.refclassid=(SELECT oid FROM pg_catalog.pg_class WHERE relname='pg_constraint') AND dep.deptype='i')
	    LEFT OUTER JOIN pg_catalog.pg_constraint con ON (con.tableoid = dep.refclassid AND con.oid = dep.refobjid)
	WHERE idx.indrelid = 16442::oid
	    AND con.contype='x'
	
	UNION
	
	SELECT  cls.oid, cls.relname as idxname, indnatts
	    FROM pg_catalog.pg_index idx
	    JOIN pg_catalog.pg_class cls ON cls.oid=indexrelid
	    LEFT JOIN pg_catalog.pg_depend dep ON (dep.classid = cls.tableoid AND dep.objid = cls.oid AND dep.refobjsubid = '0' AND dep.refclassid=(SELECT oid FROM pg_catalog.pg_class WHERE relname='pg_constraint') AND dep.deptype='i')
	    LEFT OUTER JOIN pg_catalog.pg_constraint con ON (con.tableoid = dep.refclassid AND con.oid = dep.refobjid)
	WHERE idx.indrelid = 16442::oid
	    AND con.contype='u'
	
	UNION
	
	SELECT  cls.oid, cls.relname as idxname, indnatts
	    FROM pg_catalog.pg_index idx
	    JOIN pg_catalog.pg_class cls ON cls.oid=indexrelid
	    LEFT JOIN pg_catalog.pg_depend dep ON (dep.classid = cls.tableoid AND dep.objid = cls.oid AND dep.refobjsubid = '0' AND dep.refclassid=(SELECT oid FROM pg_catalog.pg_class WHERE relname='pg_constraint') AND dep.deptype='i')
	    LEFT OUTER JOIN pg_catalog.pg_constraint con ON (con.tableoid = dep.refclassid AND con.oid = dep.refobjid)
	WHERE idx.indrelid = 16442::oid
	   AND conname IS NULL;

-- [81]
SELECT  pg_catalog.pg_get_indexdef(16447 , 1 , true) AS column;

-- [82]
SELECT a1.attname as conattname,
	    a2.attname as confattname
	FROM pg_catalog.pg_attribute a1,
	    pg_catalog.pg_attribute a2
	WHERE a1.attrelid=16442::oid
	    AND a1.attnum=18
	    AND a2.attrelid=16639::oid
	    AND a2.attnum=1;

-- [83]
SELECT nsp.nspname AS schema,
	    rel.relname AS table
	FROM
	    pg_catalog.pg_class rel
	JOIN pg_catalog.pg_namespace nsp
	ON rel.relnamespace = nsp.oid::oid
	WHERE rel.oid = 16639::oid;

-- [84]
SELECT c.oid, conname as name, relname, nspname, description as comment,
	       pg_catalog.pg_get_expr(conbin, conrelid, true) as consrc,
	       connoinherit, NOT convalidated as convalidated, conislocal
	    FROM pg_catalog.pg_constraint c
	    JOIN pg_catalog.pg_class cl ON cl.oid=conrelid
	    JOIN pg_catalog.pg_namespace nl ON nl.oid=relnamespace
	LEFT OUTER JOIN
	    pg_catalog.pg_description des ON (des.objoid=c.oid AND
	                           des.classoid='pg_constraint'::regclass)
	WHERE contype = 'c'
	    AND conrelid = 16442::oid;

-- [85]
SELECT cls.oid,
	    cls.relname as name,
	    indnkeyatts as col_count,
	    amname,
	    CASE WHEN length(spcname::text) > 0 THEN spcname ELSE
	        (SELECT sp.spcname FROM pg_catalog.pg_database dtb
	        JOIN pg_catalog.pg_tablespace sp ON dtb.dattablespace=sp.oid
	        WHERE dtb.oid = 16389::oid)
	    END as spcname,
	    CASE contype
	        WHEN 'p' THEN desp.description
	        WHEN 'u' THEN desp.description
	        WHEN 'x' THEN desp.description
	        ELSE des.description
	    END AS comment,
	    condeferrable,
	    condeferred,
	    substring(pg_catalog.array_to_string(cls.reloptions, ',') from 'fillfactor=([0-9]*)') AS fillfactor,
	    pg_catalog.pg_get_expr(idx.indpred, idx.indrelid, true) AS indconstraint
	FROM pg_catalog.pg_index idx
	JOIN pg_catalog.pg_class cls ON cls.oid=indexrelid
	LEFT OUTER JOIN pg_catalog.pg_tablespace ta on ta.oid=cls.reltablespace
	JOIN pg_catalog.pg_am am ON am.oid=cls.relam
	LEFT JOIN pg_catalog.pg_depend dep ON (dep.classid = cls.tableoid AND dep.objid = cls.oid AND dep.refobjsubid = '0' AND dep.refclassid=(SELECT oid FROM pg_catalog.pg_class WHERE relname='pg_constraint') AND dep.deptype='i')
	LEFT OUTER JOIN pg_catalog.pg_constraint con ON (con.tableoid = dep.refclassid AND con.oid = dep.refobjid)
	LEFT OUTER JOIN pg_catalog.pg_description des ON (des.objoid=cls.oid AND des.classoid='pg_class'::regclass)
	LEFT OUTER JOIN pg_catalog.pg_description desp ON (desp.objoid=con.oid AND desp.objsubid = 0 AND desp.classoid='pg_constraint'::regclass)
	WHERE indrelid = 16442::oid
	AND contype='x'
	ORDER BY cls.relname;

-- [86]
SELECT "Name" FROM "StandardUK"."Customers" ORDER BY "Id" LIMIT 3;

-- [87]
SELECT at.attname, ty.typname, at.attnum
	    FROM pg_catalog.pg_attribute at
	    LEFT JOIN pg_catalog.pg_type ty ON (ty.oid = at.atttypid)
	    JOIN pg_catalog.pg_class as cl ON cl.oid=at.attrelid
	    JOIN pg_catalog.pg_namespace as nsp ON nsp.oid=cl.relnamespace
	WHERE
	    attrelid=16442::oid AND
	at.attnum > 0
	AND at.attisdropped = FALSE;

-- [88]
SELECT at.attname, at.attnum, ty.typname
	FROM pg_catalog.pg_attribute at LEFT JOIN pg_catalog.pg_type ty ON (ty.oid = at.atttypid)
	JOIN pg_catalog.pg_class as cl ON cl.oid=AT.attrelid
	JOIN pg_catalog.pg_namespace as nsp ON nsp.oid=cl.relnamespace
	WHERE
	    attrelid=16442::oid AND
	attnum = ANY (
	(SELECT con.conkey FROM pg_catalog.pg_class rel LEFT OUTER JOIN pg_catalog.pg_constraint con ON con.conrelid=rel.oid
	JOIN pg_catalog.pg_namespace as nsp ON nsp.oid=REL.relnamespace
	AND con.contype='p' WHERE rel.relkind IN ('r','s','t', 'p') AND
	    rel.oid = (16442)::oid
	)::oid[]);

-- [89]
SELECT oid, pg_catalog.format_type(oid, NULL) AS typname FROM pg_catalog.pg_type WHERE oid = ANY('{1043}') ORDER BY oid;

-- [90]
SELECT pg_cancel_backend(16818);

-- [91]
SELECT
	    db.oid as did, db.datname, db.datallowconn,
	    pg_catalog.pg_encoding_to_char(db.encoding) AS serverencoding,
	    pg_catalog.has_database_privilege(db.oid, 'CREATE') as cancreate,
	    datistemplate
	FROM
	    pg_catalog.pg_database db
	WHERE db.oid = 16389;
