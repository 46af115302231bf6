/** English messages for the audit section; zh-CN mirrors the same keys. */
export const auditEn = {
  title: "Audit log",
};
