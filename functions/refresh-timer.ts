import { app } from '@azure/functions';
import { onRefreshTimer } from '../shared/app/refresh-timer-trigger';
import { getSettings } from '../shared/settings';

app.timer('refresh-timer', {
  // `%REFRESH_TIMER_SCHEDULE%` when that setting is set, else every five minutes.
  schedule: getSettings().refreshTimerSchedule,
  handler: (_timer, invocation) => onRefreshTimer(invocation),
});
