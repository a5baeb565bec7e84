// Page paths, in one place (app.config.ts lists the same pages).
export const LOGIN_PAGE = '/pages/login/index';
export const FIRST_LOGIN_PAGE = '/pages/first-login/index';
export const HOME_PAGE = '/pages/home/index';
export const REPORT_PAGE = '/pages/report/index';
export const ISSUES_PAGE = '/pages/issues/index';
export const SCHOOL_PAGE = '/pages/school/index';
export const NOTICES_PAGE = '/pages/notices/index';
export const NOTICE_PAGE = '/pages/notice/index';
export const TEACHERS_PAGE = '/pages/teachers/index';
export const TRAINING_STATS_PAGE = '/pages/training-stats/index';
export const MY_TRAININGS_PAGE = '/pages/my-trainings/index';
export const MY_VERIFICATION_PAGE = '/pages/my-verification/index';
export const MINE_PAGE = '/pages/mine/index';
export const USAGE_PAGE = '/pages/usage/index';
export const ZONES_PAGE = '/pages/zones/index';
export const BASEDATA_PAGE = '/pages/basedata/index';
